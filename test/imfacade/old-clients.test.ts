// The IM facade as its old app calls it: DRF's Chinese words, every encoding, guarded face-to-face codes, session-bound keys, the address book.
import t from 'tap'
import { buildTestApp, ADMIN_TOKEN, PUBLIC_URL } from '../helpers/app.ts'
import { inProcessCluster } from '../helpers/cluster.ts'
import { befriend, md5, registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { listen, openSocket } from '../helpers/sockets.ts'
import { FACE_CODE_TRIES, FACE_CODE_WINDOW_SECONDS } from '../../src/domain/groups/admission.service.ts'

const JSON_UTF8 = 'application/json; charset=utf-8'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])

function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const boundary = '----facadeapp'
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  )
  if (file)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="c.png"\r\nContent-Type: image/png\r\n\r\n`),
      file.content,
      Buffer.from('\r\n'),
    )
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

t.test('IM facade as old clients call it', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => clock } })
  const rest = restAs(app)
  const auth = (who: TestUser | string) => ({ authorization: `Token ${typeof who === 'string' ? who : who.token}` })
  const call = async (who: TestUser | string | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const r = await app.inject({ method, url, headers: who ? auth(who) : {}, ...(payload ? { payload } : {}) })
    return { status: r.statusCode, body: r.json(), headers: r.headers }
  }
  const owner = await registerUser(app, 'owner')

  await t.test("DRF's own errors in its zh_Hans words and statuses, all JSON", async (t) => {
    const cases: Array<[string, Awaited<ReturnType<typeof call>>, number, string]> = [
      ['no credentials', await call(null, 'GET', '/api/im/token/'), 401, '身份认证信息未提供。'],
      ['unknown token', await call('z'.repeat(43), 'GET', '/api/im/token/'), 401, '认证令牌无效。'],
      ['unknown route', await call(owner, 'GET', '/api/im/nothing/'), 404, '未找到。'],
      ['unknown group', await call(owner, 'GET', '/api/im/group/2147483647/users/'), 404, '未找到。'],
      ['a page past the end', await call(owner, 'GET', '/api/im/group/?page=5'), 404, '无效页面。'],
      ['POST on a GET view', await call(owner, 'POST', '/api/im/token/'), 405, '方法 “POST” 不被允许。'],
      ['PUT on the group list', await call(owner, 'PUT', '/api/im/group/'), 405, '方法 “PUT” 不被允许。'],
      ['GET on join/', await call(owner, 'GET', '/api/im/group/1/join/'), 405, '方法 “GET” 不被允许。'],
      ['DELETE on retrieve', await call(null, 'DELETE', '/api/im/retrieve/1/'), 405, '方法 “DELETE” 不被允许。'],
    ]
    for (const [what, r, status, detail] of cases) {
      t.equal(r.status, status, `${what}: ${status}`)
      t.same(r.body, { detail }, `${what}: ${detail}`)
      t.equal(r.headers['content-type'], JSON_UTF8, `${what}: JSON in UTF-8`)
    }
    t.equal((await call(owner, 'POST', '/api/im/token/')).headers.allow, 'GET, HEAD, OPTIONS', 'a 405 says what is allowed')
    t.equal((await call(owner, 'GET', '/api/im/group/1/join')).status, 405, 'without the trailing slash too')
    const disabled = await registerUser(app, 'disabled_user')
    await app.inject({ method: 'PUT', url: '/user/disable', headers: { 'access-token': ADMIN_TOKEN }, payload: { list: [disabled.userId] } })
    t.same((await call(disabled, 'GET', '/api/im/token/')).body, { detail: '认证令牌无效。' }, "a disabled user's tokens are gone")
  })

  await t.test('every POST reads form, multipart text fields, JSON and the query string', async (t) => {
    const friend = await registerUser(app, 'enc_friend')
    await befriend(app, owner, friend)
    const viaMultipart = multipart({ name: '多部分', code: '1357' })
    const created = await app.inject({
      method: 'POST',
      url: '/api/im/group/',
      headers: { ...viaMultipart.headers, ...auth(owner) },
      payload: viaMultipart.payload,
    })
    t.equal(created.statusCode, 201)
    t.match(created.json(), { name: '多部分', code: '1357' }, 'create: multipart text fields, no file')
    const viaQuery = await app.inject({ method: 'POST', url: `/api/im/group/?${new URLSearchParams({ name: '查询串' })}`, headers: auth(owner) })
    t.match(viaQuery.json(), { name: '查询串' }, 'create: the query string')
    const groupId = created.json().id as number
    const joinBody = multipart({ userid: String(friend.userId) })
    const joined = await app.inject({
      method: 'POST',
      url: `/api/im/group/${groupId}/join/`,
      headers: { ...joinBody.headers, ...auth(owner) },
      payload: joinBody.payload,
    })
    t.same(joined.json(), { userid: String(friend.userId) }, 'join/: multipart')
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.count, 2, 'and the friend is in')
    const joiner = await registerUser(app)
    const codeBody = multipart({ code: '1357' })
    const invited = await app.inject({
      method: 'POST',
      url: `/api/im/group/${groupId}/invite/`,
      headers: { ...codeBody.headers, ...auth(joiner) },
      payload: codeBody.payload,
    })
    t.same(invited.json(), { detail: '操作成功' }, 'invite/: multipart')
    const other = await registerUser(app)
    t.same((await call(other, 'POST', `/api/im/group/${groupId}/invite/?code=1357`)).body, { detail: '操作成功' }, 'invite/: the query string')
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.count, 4)
    t.same(
      (await call(owner, 'POST', `/api/im/group/${groupId}/join/`, {})).body,
      { detail: 'userid 必须是通讯录中好友的用户ID' },
      'a missing parameter, in Chinese',
    )
  })

  await t.test("invite/: a few wrong codes per user and group, then 429 in DRF's words until the window passes", async (t) => {
    const groupId = (await call(owner, 'POST', '/api/im/group/', { name: '面对面', code: '8642' })).body.id as number
    const otherGroup = (await call(owner, 'POST', '/api/im/group/', { name: '另一个', code: '8642' })).body.id as number
    const guesser = await registerUser(app, 'guesser')
    for (let i = 0; i < FACE_CODE_TRIES; i++) {
      const wrong = await call(guesser, 'POST', `/api/im/group/${groupId}/invite/`, { code: String(1000 + i) })
      t.same([wrong.status, wrong.body], [403, { detail: '面对面建群号码不正确' }], `wrong code ${i + 1}`)
    }
    const locked = await call(guesser, 'POST', `/api/im/group/${groupId}/invite/`, { code: '8642' })
    t.equal(locked.status, 429, 'then even the right code waits')
    t.match(locked.body, { detail: /^请求超过了限速。 Expected available in \d+ seconds?\.$/ })
    const wait = Number(/in (\d+) second/.exec(locked.body.detail)![1])
    t.ok(wait >= 1 && wait <= FACE_CODE_WINDOW_SECONDS, `the wait (${wait} s) is what is left of the window`)
    t.equal(locked.headers['retry-after'], String(wait))
    t.equal(locked.headers['content-type'], JSON_UTF8)
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.count, 1, 'nobody got in')
    t.same(
      (await call(guesser, 'POST', `/api/im/group/${otherGroup}/invite/`, { code: '8642' })).body,
      { detail: '操作成功' },
      'another group is counted apart',
    )
    const someoneElse = await registerUser(app)
    t.same(
      (await call(someoneElse, 'POST', `/api/im/group/${groupId}/invite/`, { code: '8642' })).body,
      { detail: '操作成功' },
      'another user is counted apart',
    )
    clock += wait * 1000
    t.same(
      (await call(guesser, 'POST', `/api/im/group/${groupId}/invite/`, { code: '8642' })).body,
      { detail: '操作成功' },
      'after the window, the right code works',
    )
  })

  await t.test('GET /api/im/token/: a key bound to the calling session, the same on every call, gone with the session', async (t) => {
    const user = await registerUser(app, 'key_user', 'key-pw')
    const legacyLogin = async (client: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/user/user!login',
        headers: { client },
        payload: { 'userVO.userName': 'key_user', 'userVO.password': md5('key-pw') },
      })
      return { uid: r.headers.uid as string, accessToken: r.headers.accesstoken as string, expire: Number(r.headers.expire) }
    }
    const key = async (token: string) => (await call(token, 'GET', '/api/im/token/')).body.key as string
    const tokenRows = async () =>
      Number(
        (
          await app.testDatabase.database.db
            .selectFrom('tokens')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', user.userId)
            .executeTakeFirstOrThrow()
        ).n,
      )

    const session = await legacyLogin('PHONE-1')
    const first = await key(session.accessToken)
    t.match(first, /^[A-Za-z0-9_-]{43}$/)
    t.not(first, session.accessToken, 'a key of its own')
    const rows = await tokenRows()
    t.equal(await key(session.accessToken), first, 'asked again: the same key')
    t.equal(await key(session.accessToken), first)
    t.equal(await tokenRows(), rows, 'no new token stored')
    t.equal(await key(first), first, 'asked with the key itself: the key')
    const expires = await app.testDatabase.database.db
      .selectFrom('tokens')
      .select(['expires_at', 'parent_id'])
      .where('parent_id', 'is not', null)
      .where('user_id', '=', user.userId)
      .execute()
    t.equal(expires.length, 1)
    t.equal(new Date(expires[0]!.expires_at!).getTime(), session.expire, 'it expires with the session, never later')
    t.equal((await rest(first, 'GET', '/user/profile')).data.user_id, user.userId, 'a token of the same user')

    const wsUrl = await listen(app)
    const socket = await openSocket(wsUrl, first)
    await app.inject({ method: 'POST', url: '/user/user!signOut', headers: session })
    t.match(await socket.next((f) => f.type === 'kick'), { type: 'kick' }, "signing out the session closes the key's socket")
    t.equal((await call(first, 'GET', '/api/im/token/')).status, 401, 'and the key is refused')

    const phone = await legacyLogin('PHONE-2')
    const phoneKey = await key(phone.accessToken)
    t.not(phoneKey, first, 'a new session, a new key')
    const devices = (await rest(user, 'GET', '/user/device/list')).data as Array<{ device_sn: number }>
    const phoneDevice = (
      await app.testDatabase.database.db
        .selectFrom('devices')
        .select('device_sn')
        .where('user_id', '=', user.userId)
        .where('device_guid', '=', 'PHONE-2')
        .executeTakeFirstOrThrow()
    ).device_sn
    t.ok(devices.some((d) => d.device_sn === phoneDevice))
    t.match(await rest(user, 'POST', `/user/kick?device_sn=${phoneDevice}`), { code: 200 })
    t.equal((await call(phoneKey, 'GET', '/api/im/token/')).status, 401, "kicking the session's device revokes its key")

    const tablet = await legacyLogin('TABLET')
    const tabletKey = await key(tablet.accessToken)
    const desk = await legacyLogin('DESK')
    const deskKey = await key(desk.accessToken)
    t.match(await rest(desk.accessToken, 'POST', '/user/kick'), { code: 200 }, 'kick every other session')
    t.equal((await call(tabletKey, 'GET', '/api/im/token/')).status, 401, "the other session's key is gone")
    t.equal((await call(deskKey, 'GET', '/api/im/token/')).status, 200, "the caller's own key stays")

    t.match(await app.inject({ method: 'POST', url: '/user/user!signOut', headers: { uid: desk.uid, accessToken: deskKey } }).then((r) => r.json()), {
      success: true,
    })
    t.equal((await call(desk.accessToken, 'GET', '/api/im/token/')).status, 401, 'signing out with the key ends its session')

    const again = await legacyLogin('PHONE-3')
    const againKey = await key(again.accessToken)
    await app.inject({
      method: 'POST',
      url: '/user/user!updatePassword',
      headers: again,
      payload: { oldPassword: md5('key-pw'), 'userVO.password': md5('key-pw-2') },
    })
    t.equal((await call(againKey, 'GET', '/api/im/token/')).status, 401, 'a password change revokes the key')
  })

  await t.test("join/: the address book is the caller's friends and the members of its other groups; nobody else", async (t) => {
    const caller = await registerUser(app, 'book_owner')
    const friend = await registerUser(app, 'book_friend')
    const colleague = await registerUser(app, 'book_colleague')
    const formerColleague = await registerUser(app, 'book_former')
    const stranger = await registerUser(app, 'book_stranger')
    await befriend(app, caller, friend)
    await createGroup(app, colleague, { name: 'work' }, [caller])
    const gone = await createGroup(app, formerColleague, { name: 'gone' }, [caller])
    await rest(formerColleague, 'POST', '/group/destroy', { group_id: gone })
    const groupId = (await call(caller, 'POST', '/api/im/group/', { name: '通讯录' })).body.id as number
    const add = (who: TestUser) => call(caller, 'POST', `/api/im/group/${groupId}/join/`, { userid: who.userId })
    t.same((await add(friend)).body, { userid: String(friend.userId) }, 'a friend')
    t.same((await add(colleague)).body, { userid: String(colleague.userId) }, "a member of another of the caller's groups")
    for (const [who, what] of [
      [stranger, 'a stranger'],
      [formerColleague, 'someone who shared only a dismissed group'],
    ] as const) {
      const r = await add(who)
      t.same([r.status, r.body], [403, { detail: '只能拉通讯录中的好友或同群成员入群' }], what)
    }
    t.equal((await rest(caller, 'GET', `/group/info?group_id=${groupId}`)).data.count, 3)
  })

  await t.test('pictures at the path shapes 003 prints, served there', async (t) => {
    const body = multipart({ name: '封面' }, { name: 'cover', content: PNG })
    const created = (await app.inject({ method: 'POST', url: '/api/im/group/', headers: { ...body.headers, ...auth(owner) }, payload: body.payload })).json()
    t.match(created.cover, new RegExp(`^${PUBLIC_URL}/media/group/[0-9a-f]{32}\\.png$`))
    const served = await app.inject({ method: 'GET', url: created.cover.slice(PUBLIC_URL.length) })
    t.ok(served.rawPayload.equals(PNG), 'the cover at …/media/group/')
    const plain = (await call(owner, 'POST', '/api/im/group/', { name: '无封面' })).body
    t.equal(plain.cover, `${PUBLIC_URL}/media/assets/media/avatar/default.jpg`, 'the default cover, as retrieve prints it')
    for (const path of ['/media/assets/media/avatar/default.jpg', '/media/avatar/default.jpg']) {
      const picture = await app.inject({ method: 'GET', url: path })
      t.equal(picture.headers['content-type'], 'image/jpeg', path)
      t.same([...picture.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff], `${path} is a JPEG`)
    }
    t.equal((await app.inject({ method: 'GET', url: '/static/default-cover.png' })).statusCode, 200, 'earlier URLs still served')
  })
})

t.test(
  'wrong face-to-face codes are counted across processes (Redis)',
  { skip: !process.env.REDIS_URL && 'needs REDIS_URL: embedded, one process holds the counts' },
  async (t) => {
    const cluster = await inProcessCluster(t)
    const a = cluster.first
    const b = (await cluster.start()).app
    const owner = await registerUser(a, 'cluster_owner')
    const guesser = await registerUser(a, 'cluster_guesser')
    const groupId = (
      await a.inject({ method: 'POST', url: '/api/im/group/', headers: { authorization: `Token ${owner.token}` }, payload: { name: 'x', code: '9753' } })
    ).json().id
    for (let i = 0; i < FACE_CODE_TRIES; i++) {
      const on = i % 2 === 0 ? a : b
      await on.inject({
        method: 'POST',
        url: `/api/im/group/${groupId}/invite/`,
        headers: { authorization: `Token ${guesser.token}` },
        payload: { code: `0${i}` },
      })
    }
    for (const on of [a, b]) {
      const r = await on.inject({
        method: 'POST',
        url: `/api/im/group/${groupId}/invite/`,
        headers: { authorization: `Token ${guesser.token}` },
        payload: { code: '9753' },
      })
      t.equal(r.statusCode, 429, 'refused on both processes')
    }
  },
)
