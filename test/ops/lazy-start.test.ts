// What a start leaves for later: route schemas compiled at first use (then between requests), socket.io loaded by its first request.
import t from 'tap'
import { PassThrough } from 'node:stream'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { CMD, login, xsyncOpener } from '../helpers/xsync.ts'

/** Requests with bad input to public routes: the validation answer of the route's schema, in its surface's envelope. */
const BAD = [
  { method: 'POST', url: '/token/user', payload: { name: 7 } },
  { method: 'POST', url: '/user/register/v2', payload: { username: '' } },
  { method: 'POST', url: '/user/user!login', payload: {} },
] as const

t.test('the first request to a route gets the answer a compiled schema gives, and so do later ones', async (t) => {
  const fresh = await buildTestApp(t)
  const first = []
  for (const request of BAD) {
    const answer = await fresh.inject(request)
    first.push({ status: answer.statusCode, body: answer.json() })
  }
  t.same(first[0], { status: 200, body: { code: 10002, message: 'invalid parameter: password is required', data: null } }, 'REST: the validation envelope')
  t.same(first[2], { status: 200, body: { success: false, info: '参数错误：缺少参数 userVO.userName', code: 10002 } }, 'legacy: its own')
  for (const [i, request] of BAD.entries()) {
    const again = await fresh.inject(request)
    t.same({ status: again.statusCode, body: again.json() }, first[i], `${request.method} ${request.url}: the same answer the second time`)
  }
})

t.test('once listening, every route schema compiles between requests, none fails', async (t) => {
  const logs = new PassThrough()
  let text = ''
  logs.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const app = await buildTestApp(t, { env: { LOG_LEVEL: 'debug' }, overrides: { logStream: logs } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  for (let waited = 0; !text.includes('route schemas compiled') && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
  t.match(text, /"failed":0,"msg":"route schemas compiled"/, 'the warm-up finished with no failure')
  t.notMatch(text, /a route schema does not compile/)
})

t.test('the first request of a fresh app to /socket.io/: engine.io answers it (polling refused, the WebSocket handshake served)', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const polling = await fetch(`${base}/socket.io/?EIO=4&transport=polling`)
  t.equal(polling.status, 400, 'the web SDK talks WebSocket only: polling is refused as before')
  t.same(await polling.json(), { code: 0, message: 'Transport unknown' }, "in engine.io's words")
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'other URLs still reach Fastify')
  const alice = await registerUser(app)
  const c = await xsyncOpener(t, base)('io')
  c.sendFrame(CMD.UNREAD)
  t.match((await c.next((f) => f.command === 'UNREAD')).body.status, { code: 'UNAUTHORIZED' }, 'frames are decoded and answered')
  t.match(await login(c, alice.userId, alice.token), { status: { code: 'OK' } })
})

t.test('a fresh app whose first socket is a socket.io WebSocket', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const c = await xsyncOpener(t, base)('io')
  c.sendFrame(CMD.UNREAD)
  t.match((await c.next((f) => f.command === 'UNREAD')).body.status, { code: 'UNAUTHORIZED', reason: 'you must login first' })
})
