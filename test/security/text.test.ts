// NUL and other control characters are refused with a clear error on every surface; names people see refuse invisible and direction characters.
import t, { type Test } from 'tap'
import type { InjectOptions } from 'fastify'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup } from '../helpers/groups.ts'
import { changedTables, tableDigests } from '../helpers/snapshot.ts'

type Request = InjectOptions

/** Sends `request` and checks it stored nothing; answers the response. */
async function refused(t: Test, app: TestApp, request: Request, label: string) {
  const before = await tableDigests(app)
  const response = await app.inject(request)
  t.ok(response.statusCode < 500, `${label}: no 5xx (${response.statusCode} ${response.body.slice(0, 160)})`)
  t.same(changedTables(before, await tableDigests(app)), [], `${label}: nothing stored`)
  return response
}

const rest = (user: TestUser) => ({ 'access-token': user.token })
const legacy = (user: TestUser) => ({ uid: String(user.userId), accessToken: user.token })
const facade = (user: TestUser) => ({ authorization: `Token ${user.token}` })

t.test('control characters in any text field are refused, on every surface', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const group = await createGroup(app, alice, {}, [bob])

  const restCases: Array<[string, Request]> = [
    ['profile nick_name', { method: 'POST', url: '/user/profile', payload: { nick_name: 'a\u0000b' } }],
    ['message content', { method: 'POST', url: '/message/send', payload: { type: 1, targets: [bob.userId], content: 'hi\u0000' } }],
    ['message ext', { method: 'POST', url: '/message/send', payload: { type: 2, targets: [group], content: 'ok', ext: '{"a":"\u0000"}' } }],
    ['roster reason', { method: 'POST', url: '/roster/apply', payload: { user_id: bob.userId, reason: 'x\u0000' } }],
    ['group description in the query string', { method: 'POST', url: `/group/info/description?group_id=${group}&value=a%00b` }],
    ['public info as a text body', { method: 'POST', url: '/user/public', headers: { 'content-type': 'text/plain' }, payload: 'text\u0000' }],
    ['push token', { method: 'POST', url: '/user/token/bind', payload: { device_sn: 1, device_token: 'tok\u0000en' } }],
    ['an escape character', { method: 'POST', url: '/user/profile', payload: { description: 'a\u001b[31mred' } }],
    ['a lone surrogate', { method: 'POST', url: '/user/profile', payload: { description: 'broken \ud83d emoji' } }],
    ['a control character in a parameter name', { method: 'POST', url: '/user/profile', payload: { 'nick\u0000name': 'x' } }],
  ]
  for (const [label, request] of restCases) {
    const r = await refused(t, app, { ...request, headers: { ...rest(alice), ...request.headers } }, `REST ${label}`)
    t.equal(r.statusCode, 200, `REST ${label}: HTTP 200`)
    t.equal(r.json().code, 10002, `REST ${label}: code 10002`)
    t.match(r.json().message, /control characters|valid Unicode/, `REST ${label}: the message says why`)
  }

  const legacyCases: Array<[string, Record<string, string>]> = [
    ['/user/user!updateUser', { 'userExtendVO.city': 'Bei\u0000jing' }],
    ['/chat/group!updateGroup', { groupId: String(group), introduction: 'intro\u0000' }],
    ['/chat/group!userSetGroup', { groupId: String(group), showName: 'card\u0007' }],
  ]
  for (const [url, form] of legacyCases) {
    const r = await refused(t, app, { method: 'POST', url, headers: legacy(alice), payload: form }, `legacy ${url}`)
    t.equal(r.statusCode, 200, `legacy ${url}: HTTP 200`)
    t.equal(r.json().success, false, `legacy ${url}: success false`)
    t.equal(r.json().code, 10002, `legacy ${url}: code 10002`)
  }

  for (const [label, request] of [
    ['form', { payload: { name: 'team\u0000' } }],
    [
      'multipart',
      {
        headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
        payload: '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nteam\u0000\r\n--XyZ--\r\n',
      },
    ],
  ] as const) {
    const r = await refused(
      t,
      app,
      { method: 'POST', url: '/api/im/group/', ...request, headers: { ...facade(alice), ...('headers' in request ? request.headers : {}) } },
      `facade ${label}`,
    )
    t.equal(r.statusCode, 400, `facade ${label}: 400`)
    t.match(r.json().detail, /name 不能包含控制字符（U\+0000）/, `facade ${label}: {detail} says why, in Chinese`)
  }
  const code = await refused(
    t,
    app,
    { method: 'POST', url: `/api/im/group/${group}/invite/`, headers: facade(bob), payload: { code: '12\u00003' } },
    'facade invite code',
  )
  t.equal(code.statusCode, 400, 'facade invite code: 400')
})

t.test('text people type still goes through: line breaks in messages, emoji, CJK', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const sent = await app.inject({
    method: 'POST',
    url: '/message/send',
    headers: rest(alice),
    payload: { type: 1, targets: [bob.userId], content: '第一行\n\tsecond line 👨‍👩‍👧 ❤️‍🔥' },
  })
  t.equal(sent.json().code, 200, 'a message with line breaks, tabs and emoji is sent')
  const nick = await app.inject({
    method: 'POST',
    url: '/user/profile',
    headers: rest(alice),
    payload: { nick_name: '张三 👨‍👩‍👧', description: 'line one\nline two' },
  })
  t.equal(nick.json().code, 200, 'a nick name with an emoji sequence is kept')
  const profile = (await app.inject({ method: 'GET', url: '/user/profile', headers: rest(alice) })).json()
  t.equal(profile.data.nick_name, '张三 👨‍👩‍👧')
})

t.test('names people see refuse invisible and text-direction characters, on every surface', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const group = await createGroup(app, alice, {}, [bob])
  const spoofs = {
    'right-to-left override': 'invoice\u202Efdp.exe',
    'zero-width space': 'ad\u200Bmin',
    'a joiner between letters': 'a\u200Db',
    'byte order mark': '\uFEFFboss',
    'a line break': 'two\nlines',
    'a Hangul filler': '\u3164',
  }

  for (const [kind, name] of Object.entries(spoofs)) {
    const restCases: Array<[string, Request]> = [
      ['nick_name', { method: 'POST', url: '/user/nickname', payload: { nick_name: name } }],
      ['profile nick_name', { method: 'POST', url: '/user/profile', payload: { nick_name: name } }],
      ['group name at create', { method: 'POST', url: '/group/create', payload: { name } }],
      ['group name', { method: 'POST', url: '/group/info/name', payload: { group_id: group, value: name } }],
      ['group card', { method: 'POST', url: '/group/display_name', payload: { group_id: group, value: name } }],
      ['friend alias', { method: 'POST', url: '/roster/apply', payload: { user_id: bob.userId, alias: name } }],
      ['push nick name', { method: 'POST', url: '/user/push/nickname', payload: { value: name } }],
    ]
    for (const [label, request] of restCases) {
      const r = await refused(t, app, { ...request, headers: rest(alice) }, `REST ${label} with ${kind}`)
      t.equal(r.json().code, 10002, `REST ${label} with ${kind}: code 10002`)
      t.match(r.json().message, /invisible|text-direction|line breaks/, `REST ${label} with ${kind}: the message says why`)
    }
    for (const [url, form] of [
      ['/user/user!updateUser', { 'userExtendVO.nickName': name }],
      ['/chat/group!updateGroup', { groupId: String(group), groupName: name }],
      ['/chat/group!setingGroup', { groupId: String(group), showName: name }],
    ] as const) {
      const r = await refused(t, app, { method: 'POST', url, headers: legacy(alice), payload: form }, `legacy ${url} with ${kind}`)
      t.equal(r.json().success, false, `legacy ${url} with ${kind}: refused`)
    }
    const r = await refused(t, app, { method: 'POST', url: '/api/im/group/', headers: facade(alice), payload: { name } }, `facade group name with ${kind}`)
    t.equal(r.statusCode, 400, `facade group name with ${kind}: 400`)
  }
})
