// Health and readiness, CORS for browser clients, request ids, the OpenAPI document, and logs without secrets.
import t from 'tap'
import { PassThrough } from 'node:stream'
import { buildTestApp } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'

t.test('operations endpoints', async (t) => {
  const app = await buildTestApp(t)

  await t.test('healthz and readyz', async (t) => {
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    t.same(health.json(), { status: 'ok' })
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ok', database: 'ok', redis: process.env.REDIS_URL ? 'ok' : 'not configured' })
  })

  await t.test('CORS preflight allows every surface header and exposes the legacy ones', async (t) => {
    const requested = 'access-token,app_id,user_id,group_id,uid,accessToken,client,expire,Authorization'
    const r = await app.inject({
      method: 'OPTIONS',
      url: '/user/profile',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': requested },
    })
    t.equal(r.statusCode, 204)
    t.equal(r.headers['access-control-allow-origin'], '*')
    const allowed = String(r.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
    for (const h of requested.toLowerCase().split(',')) t.ok(allowed.includes(h), `allows ${h}`)
    const get = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://app.example' } })
    const exposed = String(get.headers['access-control-expose-headers']).split(/,\s*/)
    t.same(
      ['uid', 'accessToken', 'client', 'expire'].filter((h) => !exposed.includes(h)),
      [],
      'exposes the legacy session headers',
    )
  })

  await t.test('every response carries a request id; a sent one is kept', async (t) => {
    const r = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } })
    t.equal(r.headers['x-request-id'], 'trace-123')
    const fresh = await app.inject({ method: 'GET', url: '/healthz' })
    t.match(fresh.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  })

  await t.test('the OpenAPI document comes from the route schemas; Swagger UI at /docs', async (t) => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    t.equal(doc.openapi, '3.0.3')
    t.ok(doc.paths['/user/profile'].get, 'REST route documented')
    t.ok(doc.paths['/user/user!login'].post, 'legacy action documented')
    t.ok(doc.paths['/api/im/token/'].get, 'facade route documented')
    t.ok(doc.paths['/token/user'].post.requestBody.content['application/json'].schema.properties.name.description, 'fields carry descriptions')
    const ui = await app.inject({ method: 'GET', url: '/docs' })
    t.ok(ui.statusCode === 200 || ui.statusCode === 302, 'Swagger UI answers')
  })
})

t.test('logs carry request ids and never a password, digest or token', async (t) => {
  const lines: string[] = []
  const stream = new PassThrough()
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)))
  const app = await buildTestApp(t, { env: { LOG_LEVEL: 'info' }, overrides: { logStream: stream } })
  const erin = await registerUser(app, 'erin', 'erins-secret')
  await app.inject({ method: 'POST', url: '/token/user?name=erin&password=erins-secret' })
  await app.inject({ method: 'POST', url: '/user/user!login', payload: { 'userVO.userName': 'erin', 'userVO.password': md5('erins-secret') } })
  await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': erin.token } })
  await app.inject({ method: 'GET', url: `/user/profile?access-token=${erin.token}` })
  const text = lines.join('\n')
  t.ok(lines.length > 0, 'something was logged')
  const records = lines.map((l) => JSON.parse(l))
  t.same(
    records.filter((r) => typeof r !== 'object' || r === null || typeof r.level !== 'number' || typeof r.time !== 'number'),
    [],
    'every line is a JSON log record',
  )
  t.ok(
    records.some((r) => r.reqId),
    'lines carry the request id',
  )
  for (const secret of ['erins-secret', md5('erins-secret'), erin.token]) t.notOk(text.includes(secret), 'no secret in the logs')
  t.match(text, /password=%5Bredacted%5D/, 'query-string secrets are masked')
})
