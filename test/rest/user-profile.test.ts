// REST registration and profile operations (002 §3): success, bad input and permission for each.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'

t.test('registration and profile', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const r = await app.inject({ method, url, payload: payload as object, headers: { ...(token ? { 'access-token': token } : {}), ...headers } })
    return r.json()
  }
  const profileOf = async (token: string) => (await call('GET', '/user/profile', token)).data

  await t.test('/user/register: by username, or by mobile with a code sent by user!sendRegisterCode', async (t) => {
    t.match(await call('POST', '/user/register', undefined, { username: 'reg_one', password: 'secret1' }), {
      code: 200,
      data: { user_id: Number, auth_mode: 0 },
    })
    t.match(await call('POST', '/user/register', undefined, { mobile: '13911112222', password: 'secret1' }), { code: 10002, message: /verification_code/ })
    const sent = await app.inject({ method: 'POST', url: '/user/user!sendRegisterCode', payload: { 'userVO.userMobile': '13911112222' } })
    t.match(sent.json(), { success: true })
    t.match(
      await call('POST', '/user/register', undefined, {
        mobile: '13911112222',
        password: 'secret1',
        verification_code: '000000' === lastCode(app, '13911112222') ? '111111' : '000000',
      }),
      { code: 10001 },
    )
    const ok = await call('POST', '/user/register', undefined, {
      mobile: '13911112222',
      username: 'reg_mobile',
      password: 'secret1',
      verification_code: lastCode(app, '13911112222'),
    })
    t.equal(ok.code, 200)
    const login = await call('POST', '/token/login', undefined, { login_name: '13911112222', password: 'secret1' })
    t.equal(login.data.user_id, ok.data.user_id, 'logs in by mobile')
    t.match(await call('POST', '/user/register', undefined, { password: 'secret1' }), { code: 10002, message: /username, mobile or email/ })
  })

  await t.test('/user/register/batch is for the admin; each line answers', async (t) => {
    const body = {
      list: [
        { username: 'batch_a', password: 'secret1' },
        { username: 'batch_a', password: 'secret1' },
        { username: '999', password: 'secret1' },
      ],
    }
    const r = await call('POST', '/user/register/batch', ADMIN_TOKEN, body)
    t.equal(r.code, 200)
    t.match(r.data, [
      { username: 'batch_a', user_id: Number, success: true, reason: '' },
      { username: 'batch_a', user_id: 0, success: false, reason: /already exists/ },
      { username: '999', success: false, reason: /not all digits/ },
    ])
    const user = await registerUser(app)
    t.match(await call('POST', '/user/register/batch', user.token, body), { code: 10010 })
    t.match(await call('POST', '/user/register/batch', ADMIN_TOKEN, { list: [] }), { code: 10002 })
  })

  await t.test('/user/register/push records the device with its push token and alias', async (t) => {
    const r = await call('POST', '/user/register/push', undefined, {
      username: 'pusher',
      password: 'secret1',
      device_guid: 'dev-9',
      push_token: 'vendor-token',
      alias: 'bob',
    })
    t.match(r, { code: 200, data: { push_token: 'vendor-token', user_id: Number } })
    const login = await call('POST', '/token/user', undefined, { name: 'pusher', password: 'secret1', device_guid: 'dev-9' })
    t.equal(login.data.push_token, 'vendor-token', 'logging in from that device returns its push token')
    t.match(await call('POST', '/user/register/push', undefined, { username: 'pusher2', password: 'secret1' }), { code: 10002, message: /device_guid/ })
  })

  await t.test('profile: update, twins, public and private info, username, mobile, nickname, avatar', async (t) => {
    const u = await registerUser(app, 'prof_user')
    t.same(await call('POST', '/user/profile', u.token, { nick_name: 'Prof', description: 'd', public_info: 'pub', private_info: 'priv' }), {
      code: 200,
      message: null,
      data: true,
    })
    t.match(await profileOf(u.token), { nick_name: 'Prof', description: 'd', public_info: 'pub', private_info: 'priv' })
    await call('PUT', '/user/profile', u.token, { description: 'd2' })
    t.match(await profileOf(u.token), { nick_name: 'Prof', description: 'd2' }, 'fields not sent stay')
    t.match(await call('POST', '/user/profile', u.token, { nick_name: 'x'.repeat(65) }), { code: 10002 })

    t.equal((await call('POST', '/user/nickname?nick_name=Nick', u.token)).data, true)
    t.equal((await call('PUT', '/user/nickname', u.token, { nick_name: 'Nick2' })).data, true, 'body placement accepted too')
    t.equal((await profileOf(u.token)).nick_name, 'Nick2')
    t.match(await call('POST', '/user/nickname', u.token), { code: 10002, message: /nick_name is required/ })

    await call('POST', '/user/avatar', u.token, { avatar: 'https://cdn.example/a.png' })
    t.equal((await profileOf(u.token)).avatar, 'https://cdn.example/a.png')

    const text = await app.inject({
      method: 'POST',
      url: '/user/public',
      headers: { 'access-token': u.token, 'content-type': 'text/plain' },
      payload: 'plain public',
    })
    t.equal(text.json().data, true)
    await call('PUT', '/user/private', u.token, { private_info: 'secret stuff' })
    t.match(await profileOf(u.token), { public_info: 'plain public', private_info: 'secret stuff' })
    t.match(await call('POST', '/user/private', u.token, {}), { code: 10002 })

    t.equal((await call('POST', '/user/username?username=prof_renamed', u.token)).data, true)
    t.equal((await profileOf(u.token)).username, 'prof_renamed')
    await registerUser(app, 'taken_name')
    t.match(await call('POST', '/user/username?username=TAKEN_NAME', u.token), { code: 10004 })
    t.match(await call('POST', '/user/username?username=123', u.token), { code: 10002 })

    // A user token proves the new number with a code sent to it (test/rest/mobile-numbers.test.ts has the rest).
    t.equal((await call('GET', '/app/captcha/sms?mobile=13700000001', u.token)).data, true)
    t.equal((await call('POST', `/user/mobile?mobile=13700000001&code=${lastCode(app, '13700000001')}`, u.token)).data, true)
    t.equal((await profileOf(u.token)).mobile, '13700000001')
    const other = await registerUser(app)
    t.match(await call('POST', '/user/mobile?mobile=13700000001', ADMIN_TOKEN, undefined, { user_id: String(other.userId) }), { code: 10011 })
    t.match(await call('POST', '/user/mobile?mobile=abc&code=123456', other.token), { code: 10002 })
  })

  await t.test('admin batches: profile/batch and avatar/batch', async (t) => {
    const a = await registerUser(app)
    const r = await call('POST', '/user/profile/batch', ADMIN_TOKEN, {
      list: [
        { user_id: a.userId, nick_name: 'Batched' },
        { user_id: 99999999, nick_name: 'x' },
      ],
    })
    t.match(r.data, [
      { user_id: a.userId, success: true },
      { user_id: 99999999, success: false, reason: /does not exist/ },
    ])
    t.equal((await profileOf(a.token)).nick_name, 'Batched')
    const av = await call('PUT', '/user/avatar/batch', ADMIN_TOKEN, { list: [{ user_id: a.userId, avatar: 'https://cdn.example/b.png' }] })
    t.match(av.data, [{ user_id: a.userId, success: true }])
    t.equal((await profileOf(a.token)).avatar, 'https://cdn.example/b.png')
    t.match(await call('POST', '/user/avatar/batch', a.token, { list: [{ user_id: a.userId, avatar: 'x' }] }), { code: 10010 })
  })

  await t.test('an admin acting as a user reads that user’s profile', async (t) => {
    const a = await registerUser(app)
    const r = await call('GET', '/user/profile', ADMIN_TOKEN, undefined, { user_id: String(a.userId) })
    t.equal(r.data.user_id, a.userId)
  })
})
