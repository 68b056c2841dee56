// REST devices and security (002 §3): device list/remove, kick, vendor tokens, change_password, disable/enable, limits.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'

t.test('devices and security', async (t) => {
  const app = await buildTestApp(t, { env: { LOGIN_THROTTLE_FREE_FAILURES: '3' } })
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string | undefined, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as object, headers: { ...(token ? { 'access-token': token } : {}), ...headers } }).then((r) => r.json())
  const login = (name: string, password: string, device?: string, userAgent?: string) =>
    call('POST', '/token/user', undefined, { name, password, ...(device ? { device_guid: device } : {}) }, userAgent ? { 'user-agent': userAgent } : {})
  const alive = async (token: string) => (await call('GET', '/user/profile', token)).code === 200

  await t.test('each login with a device_guid records a device; the list pages with a version', async (t) => {
    const u = await registerUser(app, 'dev_user', 'secret1')
    const phone = await login('dev_user', 'secret1', 'phone', 'MyApp/1.0 (iPhone; iOS 17)')
    await login('dev_user', 'secret1', 'desktop', 'Mozilla/5.0 (Windows NT 10.0) Chrome/120')
    await login('dev_user', 'secret1', 'phone', 'MyApp/1.0 (iPhone; iOS 17)')
    const first = await call('GET', '/user/device/list?limit=1', u.token)
    t.match(first, { code: 200, data: [{ device_sn: 1, platform: 1, user_id: u.userId, user_agent: /iPhone/ }], cursor: '1', version: Number })
    const second = await call('GET', `/user/device/list?limit=1&cursor=${first.cursor}`, u.token)
    t.match(second.data, [{ device_sn: 2, platform: 6 }])
    t.notOk('cursor' in second, 'no cursor on the last page')
    t.equal(second.version, first.version)

    const before = first.version
    t.equal((await call('POST', '/user/device/remove?device_sn=2', u.token)).data, true)
    const after = await call('GET', '/user/device/list', u.token)
    t.same(
      after.data.map((d: { device_sn: number }) => d.device_sn),
      [1],
    )
    t.not(after.version, before, 'the version moved')
    t.match(await call('DELETE', '/user/device/remove?device_sn=2', u.token), { code: 10002 }, 'already gone')
    t.ok(await alive(phone.data.token), 'the other device stays signed in')
  })

  await t.test('kick one device or all; the caller’s own token survives kicking all', async (t) => {
    await registerUser(app, 'kick_user', 'secret1')
    const a = (await login('kick_user', 'secret1', 'a')).data.token
    const b = (await login('kick_user', 'secret1', 'b')).data.token
    const c = (await login('kick_user', 'secret1')).data.token
    const devices = (await call('GET', '/user/device/list', c)).data
    const snB = devices.find((d: { device_sn: number }, i: number) => i === 1).device_sn
    t.equal((await call('POST', `/user/kick?device_sn=${snB}`, a)).data, true)
    t.notOk(await alive(b), 'device b is signed out')
    t.ok(await alive(a))
    t.equal((await call('PUT', '/user/kick', c)).data, true)
    t.notOk(await alive(a), 'all others signed out')
    t.ok(await alive(c), 'the caller stays')
    t.match(await call('POST', '/user/kick?device_sn=99', c), { code: 10002 })
  })

  await t.test('vendor token bind and unbind', async (t) => {
    await registerUser(app, 'bind_user', 'secret1')
    const token = (await login('bind_user', 'secret1', 'dev')).data.token
    t.equal((await call('POST', '/user/token/bind', token, { device_sn: 1, device_token: 'apns-xyz', notifier_name: 'prod' })).data, true)
    t.match(await call('POST', '/user/token/bind', token, { device_sn: 5, device_token: 'apns-xyz' }), { code: 10002 })
    t.match(await call('DELETE', '/user/token/unbind?deviceSn=1', token), { code: 200, data: { device_sn: 1 } })
  })

  await t.test('change_password revokes every token; the new password logs in', async (t) => {
    const u = await registerUser(app, 'pw_user', 'old-secret')
    const legacy = await app.inject({
      method: 'POST',
      url: '/user/user!login',
      payload: { 'userVO.userName': 'pw_user', 'userVO.password': md5('old-secret') },
    })
    const legacyToken = legacy.headers.accesstoken as string
    t.match(await call('POST', '/user/change_password', u.token, { old_password: 'wrong', new_password: 'new-secret' }), { code: 10013 })
    t.match(await call('POST', '/user/change_password', u.token, { old_password: 'old-secret', new_password: '123' }), { code: 10002 })
    t.equal((await call('POST', '/user/change_password', u.token, { old_password: 'old-secret', new_password: 'new-secret' })).data, true)
    t.notOk(await alive(u.token), 'REST token revoked')
    t.notOk(await alive(legacyToken), 'legacy token revoked')
    const legacyRead = await app.inject({ method: 'POST', url: '/user/user!readUser', headers: { uid: String(u.userId), accessToken: legacyToken } })
    t.match(legacyRead.json(), { success: false, code: 402 })
    t.match(await login('pw_user', 'old-secret'), { code: 10013 })
    t.equal((await login('pw_user', 'new-secret')).code, 200)
  })

  await t.test('disable revokes tokens and refuses login; enable lets the user back', async (t) => {
    const u = await registerUser(app, 'ban_user', 'secret1')
    t.match(await call('PUT', '/user/disable', u.token, { list: [u.userId] }), { code: 10010 })
    t.equal((await call('PUT', '/user/disable', ADMIN_TOKEN, { list: [u.userId] })).data, true)
    t.notOk(await alive(u.token))
    t.match(await login('ban_user', 'secret1'), { code: 10014, message: /disabled/ })
    t.match(await call('PUT', '/user/disable', ADMIN_TOKEN, { list: [99999999] }), { code: 10000 })
    t.equal((await call('PUT', '/user/enable', ADMIN_TOKEN, { list: [u.userId] })).data, true)
    t.equal((await login('ban_user', 'secret1')).code, 200)
  })

  await t.test('failed logins slow down the account from that address only (LOGIN_THROTTLE_FREE_FAILURES=3 here)', async (t) => {
    await registerUser(app, 'brute_user', 'secret1')
    const from = (remoteAddress: string, password: string) =>
      app.inject({ method: 'POST', url: '/token/user', payload: { name: 'brute_user', password }, remoteAddress }).then((r) => r.json())
    for (let i = 0; i < 3; i++) t.match(await from('192.0.2.1', 'nope'), { code: 10013 })
    t.match(await from('192.0.2.1', 'secret1'), { code: 10015, message: /too many failed logins/ }, 'even the right password waits, from there')
    t.match(await from('192.0.2.2', 'secret1'), { code: 200 }, 'the owner elsewhere is not locked out')
    t.equal((await login('kick_user', 'secret1')).code, 200, 'other accounts are not affected')
  })
})

t.test('requests per client address are limited, in each surface’s envelope', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3' } })
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/user/profile' })
  const rest = await app.inject({ method: 'GET', url: '/user/profile' })
  t.equal(rest.statusCode, 429)
  t.match(rest.json(), { code: 10015, message: /rate limit of 3 requests per minute/, data: null })
  const legacy = await app.inject({ method: 'POST', url: '/user/user!readUser' })
  t.equal(legacy.statusCode, 200)
  t.match(legacy.json(), { success: false, code: 10015 })
  const facade = await app.inject({ method: 'GET', url: '/api/im/token/' })
  t.equal(facade.statusCode, 429)
  t.match(facade.json(), { detail: /^请求超过了限速。 Expected available in \d+ seconds?\.$/ }, "DRF's zh_Hans wording, with the wait")
  t.match(facade.headers['retry-after'], /^\d+$/)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health checks are never limited')
})
