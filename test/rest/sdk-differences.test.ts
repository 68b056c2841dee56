// Where MaxIM's SDK sends or reads a call differently from 002: each difference answered as the SDK expects (issue 14).
import t from 'tap'
import { PassThrough } from 'node:stream'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { befriend, registerUser } from '../helpers/users.ts'
import { restAs } from '../helpers/groups.ts'
import { setAuthMode, setProfile } from '../helpers/roster.ts'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(100, 1)])

function form(fields: [string, string | Buffer][]) {
  const boundary = '----sdkdiff'
  const parts = fields.flatMap(([name, value]) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${Buffer.isBuffer(value) ? '; filename="a.png"\r\nContent-Type: image/png' : ''}\r\n\r\n`,
    ),
    Buffer.isBuffer(value) ? value : Buffer.from(value),
    Buffer.from('\r\n'),
  ])
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]) }
}

t.test('uploads and downloads as the SDK does them', async (t) => {
  const lines: string[] = []
  const stream = new PassThrough()
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)))
  const app = await buildTestApp(t, { env: { LOG_LEVEL: 'info' }, overrides: { logStream: stream } })
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const as = restAs(app)
  const ticket = (await as(alice, 'GET', `/file/upload/chat?file_type=102&to_id=${bob.userId}&to_type=1`)).data

  // The web demo's own uploads send "undefined" for the object-store fields before the file.
  const upload = form([
    ['OSSAccessKeyId', 'undefined'],
    ['policy', 'undefined'],
    ['signature', 'undefined'],
    ['callback', 'undefined'],
    ['key', 'undefined'],
    ['file', PNG],
  ])
  const done = await app.inject({
    method: 'POST',
    url: ticket.upload_url.slice(PUBLIC_URL.length),
    headers: { app_id: 'default', 'access-token': alice.token, ...upload.headers },
    payload: upload.payload,
  })
  t.match(
    done.json(),
    { code: 200, Status: 'OK', data: { download_url: ticket.download_url, size: PNG.length, mime: 'image/png' } },
    'the SDK sees Status "OK"; today\'s fields stay',
  )

  // <img src>: the token and the app id in the query, keys sorted, no headers.
  const path = ticket.download_url.slice(PUBLIC_URL.length)
  const img = await app.inject({ method: 'GET', url: `${path}&access-token=${bob.token}&app_id=default&image_type=2` })
  t.equal(img.statusCode, 200)
  t.ok(img.rawPayload.equals(PNG), 'the file')
  const wrongApp = await app.inject({ method: 'GET', url: `${path}&access-token=${bob.token}&app_id=nope` })
  t.match(wrongApp.json(), { code: 40000 }, 'an unknown app id in the query is refused too')
  const noToken = await app.inject({ method: 'GET', url: `${path}&app_id=default` })
  t.match(noToken.json(), { code: 10003 }, 'still needs a token')
  await app.close()
  t.notOk(
    lines.some((line) => line.includes(bob.token)),
    'the token in the query is never logged',
  )
})

t.test("groups: type 3, switches as 0/1, and the invitee's own id on invite/handle", async (t) => {
  const app = await buildTestApp(t)
  const as = restAs(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  await befriend(app, alice, bob)

  // "New session" from a private chat: a temporary group, made private here.
  const created = await as(alice, 'POST', '/group/create', { name: 'chat', type: 3, user_list: [bob.userId] })
  t.match(created, { code: 200, data: { group_id: Number, type: 0 } })
  const groupId = created.data.group_id
  t.equal((await as(alice, 'POST', '/group/create', { name: 'x', type: 4 })).code, 10002, 'other values are still refused')

  for (const [url, field] of [
    ['/group/settings/allow_member_invitation', 'member_invite'],
    ['/group/settings/history_visible', 'history_visible'],
  ] as const) {
    for (const value of [0, 1]) {
      t.equal((await as(alice, 'POST', url, { group_id: groupId, value })).code, 200, `${url} value ${value}`)
      t.equal((await as(alice, 'GET', `/group/info?group_id=${groupId}`)).data[field], Boolean(value), `${field} is ${Boolean(value)}`)
    }
  }

  const carol = await registerUser(app)
  await as(carol, 'POST', '/user/settings', { group_confirm: true })
  await as(alice, 'POST', '/group/invite', { group_id: groupId, user_list: [carol.userId] })
  t.equal(
    (await as(carol, 'POST', '/group/invite/handle', { group_id: groupId, user_id: bob.userId, approval: true })).code,
    20015,
    'a wrong inviter is still refused',
  )
  t.equal(
    (await as(carol, 'POST', '/group/invite/handle', { group_id: groupId, user_id: carol.userId, approval: true })).code,
    200,
    'the own id names my pending invitation',
  )
  t.ok((await as(carol, 'GET', '/group/user_joined')).data.includes(groupId), 'joined')
})

t.test('login by mobile, kick with device_sn in the body, friend applications to decide on', async (t) => {
  const app = await buildTestApp(t)
  const as = restAs(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  await setProfile(app, alice.userId, { mobile: '13912345678' })

  const byMobile = await app.inject({
    method: 'POST',
    url: '/token/user',
    headers: { app_id: 'default', 'access-token': '', 'content-type': 'application/json' },
    payload: { mobile: '13912345678', password: alice.password, device_guid: 'phone' },
  })
  t.match(byMobile.json(), { code: 200, data: { user_id: alice.userId, token: String } })
  t.match((await app.inject({ method: 'POST', url: '/token/user', payload: { mobile: '13912345678', password: 'wrong' } })).json(), { code: 10013 })
  t.match((await app.inject({ method: 'POST', url: '/token/user', payload: { password: alice.password } })).json(), { code: 10002, message: /name or mobile/ })

  const devices = (await as(alice, 'GET', '/user/device/list')).data as { device_sn: number }[]
  t.equal((await as(alice, 'POST', '/user/kick', { device_sn: devices[0]!.device_sn })).code, 200, 'device_sn in the JSON body')
  t.match(
    (await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': byMobile.json().data.token } })).json(),
    { code: 402 },
    'that device is signed out',
  )

  // Bob applies to Alice, Alice to a third user: Alice's list holds only what she can decide on.
  await setAuthMode(app, alice.userId, 1)
  const carol = await registerUser(app)
  await setAuthMode(app, carol.userId, 1)
  await as(bob, 'POST', '/roster/apply', { user_id: alice.userId, alias: 'Al', reason: 'hi' })
  await as(alice, 'POST', '/roster/apply', { user_id: carol.userId, alias: 'Ca', reason: 'hello' })
  const list = await app.inject({
    method: 'GET',
    url: '/roster/apply/list?cursor=',
    headers: { app_id: 'default', 'access-token': alice.token, 'content-type': 'application/json' },
  })
  t.match(list.json(), { code: 200, data: [{ user_id: bob.userId, roster_id: alice.userId, status: 0 }] })
  t.equal(list.json().data.length, 1, 'not her own application to Carol')
  const all = (await as(alice, 'GET', '/roster/apply/list?include_sent=true')).data
  t.same(all.map((a: { user_id: number }) => a.user_id).sort(), [alice.userId, bob.userId].sort(), 'include_sent adds hers')
})
