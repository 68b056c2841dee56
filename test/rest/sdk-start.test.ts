// MaxIM SDK start-up against the gateway: the DNS answer names this gateway, the speed test and app config answer, CORS lets the SDK's headers through, vendor calls say "not supported".
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

t.test("GET /app_dns answers the gateway as the app's only cluster", async (t) => {
  const app = await buildTestApp(t, { env: { PUBLIC_URL: 'https://gw.example.com:8443/api/' } })
  for (const url of ['/app_dns?app_id=default&source=sdk', '/v2/app_dns?app_id=default', '/app_dns']) {
    const r = await app.inject({ method: 'GET', url, headers: { app_id: 'default', 'access-token': '' } })
    t.equal(r.statusCode, 200, url)
    const body = r.json()
    t.equal(body.code, 200, `${url}: code 200`)
    t.equal(body.data.app_status, '', 'the app is not banned, frozen or revoked')
    const level0 = body.data.dns_list.find((d: { group_level: number }) => d.group_level === 0)
    const cluster = level0.clusters[0]
    t.same(cluster.ratel[0], { protocol: 'https', host: 'gw.example.com:8443/api', ip_list: [] }, 'the REST base, without a trailing slash')
    t.same(cluster.webim[0], { protocol: 'https', host: 'gw.example.com:8443' }, 'the real-time host is bare: socket.io reads a path as a namespace')
    t.ok(cluster.rtc.length > 0, 'a non-empty rtc list, or the SDK fails with DNS_FAILED')
    t.same(body.data.dns_server_list, [])
    t.same(body.data.link_server_list, [])
  }
})

t.test('an unknown app id answers 40000 in the envelope, however it is sent', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  for (const [url, headers] of [
    ['/app_dns?app_id=nope', {}],
    ['/app_dns', { app_id: 'nope' }],
    ['/app/config?platform=6', { app_id: 'nope' }],
    // A valid token of another app must not win: a wrong app id is not an expired login.
    ['/roster/list', { app_id: 'nope', 'access-token': user.token }],
    ['/group/user_joined', { app_id: 'nope', 'access-token': user.token }],
  ] as const) {
    const r = await app.inject({ method: 'GET', url, headers })
    t.equal(r.statusCode, 200, url)
    t.match(r.json(), { code: 40000, message: /nope/ }, `${url} ${JSON.stringify(headers)}`)
  }
})

t.test('the speed test, the app config and CORS for the SDK', async (t) => {
  const app = await buildTestApp(t)
  const speed = await app.inject({ method: 'GET', url: '/', headers: { origin: 'https://chat.example' } })
  t.equal(speed.statusCode, 200)
  t.equal(speed.headers['access-control-allow-origin'], '*')

  const config = await app.inject({ method: 'GET', url: '/app/config?platform=6', headers: { app_id: 'default' } })
  t.match(config.json(), { code: 200, data: { hide_member_info: true, message_forward_max_user_num: Number, message_forward_max_message_num: Number } })

  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/group/info',
      headers: {
        origin: 'https://chat.example',
        'access-control-request-method': method,
        'access-control-request-headers': 'app_id,access-token,content-type',
      },
    })
    t.equal(preflight.statusCode, 204, `preflight ${method}`)
    t.match(preflight.headers['access-control-allow-methods'], method)
    const allowed = String(preflight.headers['access-control-allow-headers']).toLowerCase()
    for (const header of ['app_id', 'access-token', 'content-type']) t.ok(allowed.includes(header), `${method} allows ${header}`)
  }
})

t.test('vendor-only calls answer HTTP 200 with 10021, with or without a token', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  for (const [method, url] of [
    ['GET', '/app/wechat_login?code=x'],
    ['POST', '/app/wechat/bind'],
    ['GET', '/app/support_staff'],
    ['POST', '/app/secret_info'],
  ] as const) {
    for (const headers of [{ app_id: 'default' }, { app_id: 'default', 'access-token': user.token }]) {
      const r = await app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) })
      t.equal(r.statusCode, 200, url)
      t.match(r.json(), { code: 10021, message: /does not provide/, data: null }, `${method} ${url}`)
    }
  }
})
