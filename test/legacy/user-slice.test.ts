// Legacy user!login, user!readUser and user!signOut answer exactly as 001 prints them.
import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('legacy user slice', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app, 'alice', 'secret1')

  const login = (userName: string, password: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/user/user!login',
      headers: { ...FORM, ...headers },
      payload: form({ 'userVO.userName': userName, 'userVO.password': password }),
    })

  await t.test('login: session headers and the whole userVO', async (t) => {
    const r = await login('alice', md5('secret1'), { client: 'F9FQXGP8FCM5' })
    t.equal(r.statusCode, 200)
    t.equal(r.headers.uid, String(alice.userId))
    t.match(r.headers.accesstoken, /^[A-Za-z0-9_-]{43}$/)
    t.equal(r.headers.client, 'F9FQXGP8FCM5')
    t.ok(Number(r.headers.expire) > Date.now(), 'expire is epoch ms in the future')
    t.equal(
      r.body,
      JSON.stringify({
        success: true,
        info: '登录成功',
        data: {
          userVO: {
            userId: alice.userId,
            sex: '',
            age: '',
            phoneNumber: '',
            country: '',
            province: '',
            city: '',
            district: '',
            street: '',
            company: '',
            occupation: '',
            role: '',
            degrees: '',
            school: '',
            nickName: '',
            userPhoto: '',
            signature: '',
          },
        },
      }),
      'body byte for byte, fields in the printed order',
    )
  })

  await t.test('login accepts an uppercase digest, JSON bodies and query strings', async (t) => {
    t.match((await login('alice', md5('secret1').toUpperCase())).json(), { success: true })
    const json = await app.inject({ method: 'POST', url: '/user/user!login', payload: { 'userVO.userName': 'alice', 'userVO.password': md5('secret1') } })
    t.match(json.json(), { success: true })
    const query = await app.inject({ method: 'POST', url: `/user/user!login?${form({ 'userVO.userName': 'alice', 'userVO.password': md5('secret1') })}` })
    t.match(query.json(), { success: true })
  })

  await t.test('login failures keep the envelope and HTTP 200', async (t) => {
    const wrong = await login('alice', md5('wrong'))
    t.equal(wrong.statusCode, 200)
    t.same(wrong.json(), { success: false, info: '用户名或密码错误', code: 10013 })
    t.notOk(wrong.headers.accesstoken)
    t.same(
      (await login('alice', 'secret1')).json(),
      {
        success: false,
        info: '参数错误：userVO.password 必须是密码的MD5十六进制摘要',
        code: 10002,
      },
      'a plaintext password is refused',
    )
    const missing = await app.inject({ method: 'POST', url: '/user/user!login', headers: FORM, payload: form({ 'userVO.userName': 'alice' }) })
    t.same(missing.json(), { success: false, info: '参数错误：缺少参数 userVO.password', code: 10002 })
  })

  await t.test('readUser: self with the session headers echoed, another user without the mobile', async (t) => {
    const session = await login('alice', md5('secret1'), { client: 'C1' })
    const headers = { uid: session.headers.uid as string, accessToken: session.headers.accesstoken as string, client: 'C1', expire: '1411527886457' }
    const self = await app.inject({ method: 'POST', url: '/user/user!readUser', headers })
    t.match(self.json(), { success: true, info: '获取用户信息成功', data: { userVO: { userId: alice.userId } } })
    t.equal(self.headers.uid, headers.uid)
    t.equal(self.headers.accesstoken, headers.accessToken)
    t.equal(self.headers.client, 'C1')
    t.equal(self.headers.expire, session.headers.expire, 'expire is the server expiry, not the echoed one')

    const bob = await registerUser(app, 'bob')
    const other = await app.inject({
      method: 'POST',
      url: '/user/user!readUser',
      headers: { ...headers, ...FORM },
      payload: form({ userId: String(bob.userId) }),
    })
    t.match(other.json(), { success: true, data: { userVO: { userId: bob.userId, phoneNumber: '' } } })
    const dotted = await app.inject({
      method: 'POST',
      url: '/user/user!readUser',
      headers: { ...headers, ...FORM },
      payload: form({ 'userVO.userId': String(bob.userId) }),
    })
    t.equal(dotted.json().data.userVO.userId, bob.userId)
    const nobody = await app.inject({ method: 'POST', url: '/user/user!readUser', headers: { ...headers, ...FORM }, payload: form({ userId: '99999999' }) })
    t.same(nobody.json(), { success: false, info: '用户不存在', code: 10000 })
  })

  await t.test('auth failures: no headers, a token of another uid, an unknown token', async (t) => {
    const read = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/user/user!readUser', headers }).then((r) => ({ status: r.statusCode, body: r.json() }))
    t.same(await read({}), { status: 200, body: { success: false, info: '请先登录', code: 10003 } })
    const bob = await registerUser(app, 'bob_auth')
    t.same((await read({ uid: String(alice.userId), accessToken: bob.token })).body, { success: false, info: '登录已失效，请重新登录', code: 402 })
    t.same((await read({ uid: String(alice.userId), accessToken: 'x'.repeat(43) })).body, { success: false, info: '登录已失效，请重新登录', code: 402 })
  })

  await t.test('unknown legacy methods answer in the legacy envelope', async (t) => {
    const r = await app.inject({ method: 'POST', url: '/user/user!noSuchMethod' })
    t.same(r.json(), { success: false, info: '接口不存在', code: 10016 })
    const chat = await app.inject({ method: 'POST', url: '/chat/group!noSuchMethod' })
    t.same(chat.json(), { success: false, info: '接口不存在', code: 10016 })
  })

  await t.test('the avatar is an absolute URL under PUBLIC_URL', async (t) => {
    await app.testDatabase.database.db.updateTable('users').set({ avatar: 'files/avatars/a.png' }).where('id', '=', alice.userId).execute()
    const r = await login('alice', md5('secret1'))
    t.equal(r.json().data.userVO.userPhoto, `${PUBLIC_URL}/upload/images/userPhoto/a.png`, 'a stored photo at the path 001 prints')
  })
})
