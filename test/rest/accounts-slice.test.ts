// REST thin slice: register/v2, /token/user, /token/login, /token/id and GET /user/profile, with their errors.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

t.test('REST accounts slice', async (t) => {
  const app = await buildTestApp(t)
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers }).then((r) => ({ status: r.statusCode, body: r.json() }))

  await t.test('register/v2 answers the new user settings with every documented field', async (t) => {
    const { status, body } = await post('/user/register/v2', { username: 'alice', password: 'secret1' })
    t.equal(status, 200)
    t.equal(body.code, 200)
    t.equal(body.message, null)
    t.match(body.data, {
      id: Number,
      user_id: Number,
      auth_mode: 0,
      auth_question: '',
      auth_answer: '',
      auto_download: true,
      group_confirm: false,
      no_push: false,
      no_push_detail: false,
      no_push_start_hour: 0,
      no_push_end_hour: 0,
      no_sounds: false,
      push_nick_name: '',
      push_token: '',
      silence_start_time: 0,
      silence_end_time: 0,
      vibratory: true,
    })
    t.equal(Object.keys(body.data).length, 17)
  })

  await t.test('register/v2 refuses a taken username (any case), bad usernames and short passwords', async (t) => {
    t.match((await post('/user/register/v2', { username: 'ALICE', password: 'secret1' })).body, { code: 10004, data: null })
    t.match((await post('/user/register/v2', { username: '12345', password: 'secret1' })).body, { code: 10002, message: /not all digits/ })
    t.match((await post('/user/register/v2', { username: 'bad name', password: 'secret1' })).body, { code: 10002 })
    t.match((await post('/user/register/v2', { username: 'bob', password: '123' })).body, { code: 10002, message: /password/ })
    t.match((await post('/user/register/v2', { username: 'bob' })).body, { code: 10002, message: 'invalid parameter: password is required' })
  })

  await t.test('each token operation logs in and the token reads the profile', async (t) => {
    const byName = await post('/token/user', { name: 'alice', password: 'secret1' })
    t.equal(byName.body.code, 200)
    t.match(byName.body.data, { token: /^[A-Za-z0-9_-]{43}$/, user_id: Number, encrypt_type: 0, public_key: '', store_token: '', access_key_secret: '' })
    t.notOk('push_token' in byName.body.data, 'push_token only with device_guid')
    const expire = byName.body.data.expire
    t.ok(expire > Date.now() + 29 * 24 * 3600_000 && expire <= Date.now() + 30 * 24 * 3600_000, 'expire is epoch ms, 30 days ahead')
    const userId = byName.body.data.user_id

    const byLogin = await post('/token/login', { login_name: 'Alice', password: 'secret1', device_guid: 'phone-1' })
    t.equal(byLogin.body.code, 200)
    t.match(byLogin.body.data.push_token, /^[0-9a-f]{32}$/)
    const byId = await post('/token/id', { user_id: userId, password: 'secret1' })
    t.equal(byId.body.data.user_id, userId)

    for (const token of [byName.body.data.token, byLogin.body.data.token, byId.body.data.token]) {
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': token } })
      t.same(profile.json(), {
        code: 200,
        message: null,
        data: {
          user_id: userId,
          username: 'alice',
          nick_name: '',
          avatar: '',
          description: '',
          mobile: null,
          email: null,
          public_info: '',
          private_info: '',
          mobile_verified: false,
        },
      })
    }
    const bearer = await app.inject({ method: 'GET', url: '/user/profile', headers: { authorization: `Bearer ${byId.body.data.token}` } })
    t.equal(bearer.json().data.user_id, userId, 'Authorization: Bearer works too')
  })

  await t.test('parameters are accepted in the query string as well as the body (semantics §8)', async (t) => {
    const r = await app.inject({ method: 'POST', url: '/token/user?name=alice&password=secret1' })
    t.equal(r.json().code, 200)
    const mixed = await app.inject({ method: 'POST', url: '/token/user?name=alice', payload: { password: 'secret1' } })
    t.equal(mixed.json().code, 200)
  })

  await t.test('wrong password and unknown user answer the same code', async (t) => {
    const wrong = await post('/token/user', { name: 'alice', password: 'nope-nope' })
    const unknown = await post('/token/user', { name: 'nobody', password: 'secret1' })
    t.same(wrong.body, { code: 10013, message: 'login name or password is wrong', data: null })
    t.same(unknown.body, wrong.body)
    t.match((await post('/token/id', { user_id: 'abc', password: 'x' })).body, { code: 10002, message: /user_id/ })
  })

  await t.test('profile: missing, malformed and unknown tokens', async (t) => {
    const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/user/profile', headers }).then((r) => r.json())
    t.same(await get({}), { code: 10003, message: 'access-token header is missing', data: null })
    t.match(await get({ 'access-token': 'short' }), { code: 10008 })
    t.match(await get({ 'access-token': 'A'.repeat(43) }), { code: 402, data: null })
  })

  await t.test('app_id: unknown app is 40000; a token of the default app under another app_id is refused', async (t) => {
    t.match((await post('/token/user', { name: 'alice', password: 'secret1' }, { app_id: 'no-such-app' })).body, { code: 40000 })
    const { token } = await registerUser(app)
    await app.testDatabase.database.db.insertInto('apps').values({ id: 'other', name: 'other' }).execute()
    const r = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': token, app_id: 'other' } })
    t.match(r.json(), { code: 402 })
    // An app id that does not exist is a misconfiguration, whatever token comes with it (issue 14).
    const unknown = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': token, app_id: 'no-such-app' } })
    t.match(unknown.json(), { code: 40000 })
  })

  await t.test('admin token acts as the user named in user_id; without it a user route is refused', async (t) => {
    const bob = await registerUser(app, 'bob_admin_case')
    const as = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': ADMIN_TOKEN, user_id: String(bob.userId) } })
    t.equal(as.json().data.username, 'bob_admin_case')
    const without = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': ADMIN_TOKEN } })
    t.match(without.json(), { code: 10002, message: /user_id/ })
    const unknownUser = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': ADMIN_TOKEN, user_id: '999999' } })
    t.match(unknownUser.json(), { code: 10000 })
    const badHeader = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': ADMIN_TOKEN, user_id: 'x' } })
    t.match(badHeader.json(), { code: 10002, message: /user_id/ })
  })

  await t.test('an empty JSON body is an empty object, bad JSON a parameter error, unknown routes 404 in the envelope', async (t) => {
    const empty = await app.inject({
      method: 'POST',
      url: '/token/user?name=alice&password=secret1',
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    t.equal(empty.json().code, 200)
    const bad = await app.inject({ method: 'POST', url: '/token/user', headers: { 'content-type': 'application/json' }, payload: '{bad' })
    t.equal(bad.statusCode, 200)
    t.match(bad.json(), { code: 10002, data: null })
    const missing = await app.inject({ method: 'GET', url: '/user/nothing-here' })
    t.equal(missing.statusCode, 404)
    t.same(missing.json(), { code: 10016, message: 'no such operation: GET /user/nothing-here', data: null })
  })
})
