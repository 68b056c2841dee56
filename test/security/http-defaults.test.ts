// Production defaults: security headers (and a CSP Swagger UI works under), CORS for every documented method, TRUST_PROXY, timeouts.
import t from 'tap'
import { connect } from 'node:net'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'

t.test('security headers on every surface, errors included; /docs gets a CSP that lets Swagger UI load', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const answers = {
    'REST success': await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': alice.token } }),
    'REST error': await app.inject({ method: 'GET', url: '/user/profile' }),
    'REST unknown route': await app.inject({ method: 'GET', url: '/user/nothing-here' }),
    legacy: await app.inject({ method: 'POST', url: '/user/user!readUser', headers: { uid: String(alice.userId), accessToken: alice.token } }),
    facade: await app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: `Token ${alice.token}` } }),
    'facade error': await app.inject({ method: 'GET', url: '/api/im/token/' }),
    'a stored picture': await app.inject({ method: 'GET', url: '/static/default-avatar.png' }),
  }
  for (const [label, r] of Object.entries(answers)) {
    t.equal(r.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`)
    t.match(r.headers['content-security-policy'], /default-src 'none'/, `${label}: a CSP that loads nothing`)
    t.match(r.headers['content-security-policy'], /frame-ancestors 'none'/, `${label}: never framed`)
    t.match(r.headers['strict-transport-security'], /^max-age=[1-9]\d*/, `${label}: HSTS with a lifetime`)
    t.equal(r.headers['referrer-policy'], 'no-referrer', `${label}: no referrer`)
    t.equal(r.headers['cross-origin-resource-policy'], 'cross-origin', `${label}: readable by web apps of other origins (avatars in <img>)`)
  }

  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200, 'Swagger UI answers')
  const csp = String(docs.headers['content-security-policy'])
  t.match(csp, /script-src 'self'/, 'the docs page may run its own scripts')
  t.match(csp, /style-src 'self'/, 'and load its own styles')
  t.match(csp, /img-src 'self' data:/, 'and draw its images')
  t.notMatch(csp, /upgrade-insecure-requests/, 'and still works over plain http in development')
  // Every script and stylesheet the page names is served from the gateway itself, so 'self' covers it.
  const assets = [...docs.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, 'http://gateway.test/docs/').pathname)
  t.ok(assets.length >= 4, `the page names its assets (${assets.join(', ')})`)
  for (const asset of assets) {
    const r = await app.inject({ method: 'GET', url: asset })
    t.equal(r.statusCode, 200, `${asset} is served`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, 'the OpenAPI document the page reads')
})

t.test('CORS allows every method the documents use, with the headers MaxIM clients send', async (t) => {
  const app = await buildTestApp(t)
  const requested = 'access-token,app_id,user_id,group_id,content-type'
  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    const r = await app.inject({
      method: 'OPTIONS',
      url: '/roster/delete',
      headers: { origin: 'https://web.example', 'access-control-request-method': method, 'access-control-request-headers': requested },
    })
    t.equal(r.statusCode, 204, `${method}: preflight answered`)
    const methods = String(r.headers['access-control-allow-methods']).split(/,\s*/)
    t.ok(methods.includes(method), `${method} is allowed (${methods.join(', ')})`)
    const headers = String(r.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
    t.same(
      requested.split(',').filter((h) => !headers.includes(h)),
      [],
      `${method}: every SDK header is allowed`,
    )
  }
})

t.test('TRUST_PROXY: behind a proxy the rate limit counts each client; without it X-Forwarded-For is ignored', async (t) => {
  const get = (app: Awaited<ReturnType<typeof buildTestApp>>, client: string) =>
    app.inject({ method: 'GET', url: '/user/profile', headers: { 'x-forwarded-for': client } })

  const behindProxy = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' } })
  for (let i = 0; i < 3; i++) t.equal((await get(behindProxy, '203.0.113.7')).statusCode, 200, `client A request ${i + 1}`)
  const limited = await get(behindProxy, '203.0.113.7')
  t.equal(limited.statusCode, 429, 'client A is limited')
  t.equal(limited.json().code, 10015, 'in the REST envelope')
  t.equal((await get(behindProxy, '198.51.100.9')).statusCode, 200, 'client B behind the same proxy is not')

  const direct = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3' } })
  for (let i = 0; i < 3; i++) t.equal((await get(direct, `203.0.113.${i}`)).statusCode, 200, `request ${i + 1}`)
  t.equal((await get(direct, '198.51.100.9')).statusCode, 429, 'a forged X-Forwarded-For does not escape the limit')
})

t.test('timeouts: configured on the server, and a client that never finishes its headers is cut off', async (t) => {
  const app = await buildTestApp(t, { env: { REQUEST_TIMEOUT_SECONDS: '2', HEADERS_TIMEOUT_SECONDS: '1', KEEP_ALIVE_TIMEOUT_SECONDS: '5' } })
  t.equal(app.server.requestTimeout, 2000, 'request timeout')
  t.equal(app.server.headersTimeout, 1000, 'headers timeout')
  t.equal(app.server.keepAliveTimeout, 5000, 'keep-alive timeout')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: gateway.test\r\nX-Slow: '))
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8')
    })
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
    setTimeout(() => {
      socket.destroy()
      reject(new Error('the server kept the connection open'))
    }, 20_000).unref()
  })
  t.match(answer, /^HTTP\/1\.1 408/, 'the server answered 408 and closed the connection')

  const defaults = loadConfig({})
  t.match(defaults, { REQUEST_TIMEOUT_SECONDS: 120, HEADERS_TIMEOUT_SECONDS: 20, KEEP_ALIVE_TIMEOUT_SECONDS: 72, TRUST_PROXY: 'false' }, 'defaults')
})

t.test('bad values of the new settings stop start-up with their name', async (t) => {
  for (const value of ['yes', '10.0.0.1/33', '10.0.0.256', 'fe80::1/129', '10.0.0.0/8,nonsense']) {
    t.throws(() => loadConfig({ TRUST_PROXY: value }), { constructor: ConfigError, message: /TRUST_PROXY/ }, value)
  }
  for (const value of ['true', '2', '10.0.0.0/8', '10.0.0.1, 10.0.0.2', '::1', 'fd00::/8']) t.doesNotThrow(() => loadConfig({ TRUST_PROXY: value }), value)
  t.throws(() => loadConfig({ HEADERS_TIMEOUT_SECONDS: '60', REQUEST_TIMEOUT_SECONDS: '30' }), { constructor: ConfigError, message: /HEADERS_TIMEOUT_SECONDS/ })
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: '0' }), { constructor: ConfigError, message: /REQUEST_TIMEOUT_SECONDS/ })
})
