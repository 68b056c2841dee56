// A PostgreSQL restart under a running gateway process: the process lives on, answers 503 meanwhile in each surface's envelope, and recovers by itself.
import t from 'tap'
import { gatewayProcesses } from '../helpers/cluster.ts'
import { missingDependencyBinaries, startOwnPostgres } from '../helpers/dependencies.ts'
import { call, remoteUser } from '../helpers/remote.ts'
import { pause } from '../helpers/sockets.ts'

const missing = missingDependencyBinaries()

t.test('the gateway survives a PostgreSQL restart and recovers without being restarted', { skip: missing }, async (t) => {
  const pg = await startOwnPostgres(t)
  const databaseUrl = await pg.createDatabase('gateway')
  // No Redis: this is about the database alone.
  const node = await gatewayProcesses(t, databaseUrl, { redisUrl: '' }).start()
  const alice = await remoteUser(node.url)
  const bob = await remoteUser(node.url)
  const auth = { 'access-token': alice.token }
  // Concurrent requests leave several idle connections in the pool: each gets the server's goodbye.
  await Promise.all(Array.from({ length: 8 }, () => call(node.url, 'GET', '/user/profile', { headers: auth })))

  await pg.stop()
  await pause(300)
  t.ok(node.alive(), 'the process is still running after PostgreSQL ended its connections')

  const ready = await call(node.url, 'GET', '/readyz')
  t.match(ready, { status: 503, body: { status: 'unavailable', database: 'fail', redis: 'not configured' } }, '/readyz names the database')
  const rest = await call(node.url, 'GET', '/user/profile', { headers: auth })
  t.match(rest, { status: 503, body: { code: 20028, message: /database/, data: null } }, 'REST: 503 with code 20028 in its envelope')
  t.equal(rest.headers.get('retry-after'), '2', 'with a Retry-After')
  const legacy = await call(node.url, 'POST', '/user/user!readUser', { headers: { uid: String(alice.userId), accessToken: alice.token }, form: {} })
  t.match(legacy, { status: 503, body: { success: false, info: '服务暂时不可用，请稍后再试', code: 20028 } }, 'legacy: its envelope')
  const facade = await call(node.url, 'GET', '/api/im/token/', { headers: { authorization: `Token ${alice.token}` } })
  t.match(facade, { status: 503, body: { detail: '服务暂时不可用，请稍后再试' } }, 'facade: 503 with its Chinese detail')
  const send = await call(node.url, 'POST', '/message/send', {
    headers: auth,
    json: { type: 1, targets: [bob.userId], content: 'while down', transaction_id: 1 },
  })
  t.match(send, { status: 503, body: { code: 20028 } }, 'a send is refused, not left hanging')
  t.equal((await call(node.url, 'GET', '/healthz')).status, 200, 'the process itself is healthy')

  await pg.start()
  const deadline = Date.now() + 20_000
  while ((await call(node.url, 'GET', '/readyz')).status !== 200) {
    if (Date.now() > deadline) throw new Error('/readyz did not recover within 20 s')
    await pause(200)
  }
  t.match(
    await call(node.url, 'GET', '/user/profile', { headers: auth }),
    { status: 200, body: { code: 200, data: { user_id: alice.userId } } },
    'requests work again',
  )
  const retried = await call(node.url, 'POST', '/message/send', {
    headers: auth,
    json: { type: 1, targets: [bob.userId], content: 'while down', transaction_id: 1 },
  })
  t.match(retried, { status: 200, body: { code: 200 } }, 'the refused send goes through when retried')
  const history = await call(node.url, 'GET', `/message/conversation?opposite_id=${bob.userId}`, { headers: auth })
  t.same(
    history.body.data.messages.map((m: { content: string; seq: number }) => [m.seq, m.content]),
    [[1, 'while down']],
    'stored once, numbered 1',
  )
  t.ok(node.alive(), 'and the same process served it all')
  t.notMatch(node.stderr(), /Unhandled|uncaught/i, 'nothing went unhandled')
  await node.stop()
})
