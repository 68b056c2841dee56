// One account and one token across surfaces: register on either, log in on the other, sign out everywhere.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'

t.test('one account, one token store, every surface', async (t) => {
  const app = await buildTestApp(t)

  const legacyLogin = async (userName: string, digest: string) => {
    const r = await app.inject({ method: 'POST', url: '/user/user!login', payload: { 'userVO.userName': userName, 'userVO.password': digest } })
    return { body: r.json(), uid: r.headers.uid as string, token: r.headers.accesstoken as string }
  }
  const restProfile = (token: string) => app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': token } }).then((r) => r.json())
  const legacyRead = (uid: string, token: string) =>
    app.inject({ method: 'POST', url: '/user/user!readUser', headers: { uid, accessToken: token } }).then((r) => r.json())
  const facadeToken = (token: string) => app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: `Token ${token}` } })

  await t.test('registered on REST with p, logs in on legacy with md5(p); each token works on the other surfaces', async (t) => {
    const carol = await registerUser(app, 'carol', 'p-for-carol')
    const legacy = await legacyLogin('carol', md5('p-for-carol'))
    t.equal(legacy.body.success, true)
    t.equal(legacy.uid, String(carol.userId))

    t.equal((await restProfile(legacy.token)).data.user_id, carol.userId, 'legacy token on REST')
    t.equal((await legacyRead(String(carol.userId), carol.token)).data.userVO.userId, carol.userId, 'REST token on legacy')
    t.equal((await facadeToken(legacy.token)).statusCode, 200, 'legacy token on the facade')

    const signOut = await app.inject({ method: 'POST', url: '/user/user!signOut', headers: { uid: legacy.uid, accessToken: legacy.token } })
    t.same(signOut.json(), { success: true, info: '用户注销成功' })
    t.match(await restProfile(legacy.token), { code: 402 }, 'signed-out token refused on REST')
    t.match(await legacyRead(legacy.uid, legacy.token), { success: false, code: 402 }, 'and on legacy')
    t.equal((await facadeToken(legacy.token)).statusCode, 401, 'and on the facade')
    t.equal((await restProfile(carol.token)).code, 200, 'the other session stays signed in')
  })

  await t.test('a user created with a legacy digest logs in on REST with the plaintext', async (t) => {
    // Legacy registration arrives with the accounts issue; the domain call is the same one it will make.
    await app.services.accounts.register({ appId: 'default', mobile: '13800000000', passwordDigest: md5('legacy-pass') })
    const legacy = await legacyLogin('13800000000', md5('legacy-pass'))
    t.equal(legacy.body.success, true)
    t.equal(legacy.body.data.userVO.phoneNumber, '13800000000')
    const rest = await app.inject({ method: 'POST', url: '/token/login', payload: { login_name: '13800000000', password: 'legacy-pass' } })
    t.equal(rest.json().code, 200)
    t.equal(rest.json().data.user_id, Number(legacy.uid))
  })
})
