// GET /metrics through HTTP: served only with METRICS_TOKEN, requests per route pattern and surface, sockets, doorbell lag, pool use, dedupe hits.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { memoryBus } from '../../src/platform/bus.ts'
import { MESSAGES_CHANNEL } from '../../src/domain/events.ts'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { send } from '../helpers/messages.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'

const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop'
const SCRAPE = { authorization: `Bearer ${METRICS_TOKEN}` }

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, name = '', labelText = '', value = ''] = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/) ?? []
      const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]))
      return { name, labels, value: Number(value) }
    })
}

async function scrape(app: FastifyInstance) {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: SCRAPE })
  if (response.statusCode !== 200) throw new Error(`/metrics answered ${response.statusCode}: ${response.body}`)
  return { text: response.body, samples: parse(response.body) }
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`)
  return found[0]?.value
}

const requests = (samples: Sample[], labels: Record<string, string>) => value(samples, 'im_http_request_duration_seconds_count', labels)

t.test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: SCRAPE })
  t.equal(response.statusCode, 404)
  t.match(response.json(), { code: 10016 }, 'an unknown route, in the REST envelope')
})

t.test('with METRICS_TOKEN, /metrics answers only its bearer', async (t) => {
  const app = await buildTestApp(t, { env: { METRICS_TOKEN } })
  const refused: Array<{ what: string; headers: Record<string, string>; query?: string }> = [
    { what: 'no Authorization', headers: {} },
    { what: 'another token', headers: { authorization: `Bearer ${METRICS_TOKEN.replace(/.$/, 'X')}` } },
    { what: 'a longer token', headers: { authorization: `Bearer ${METRICS_TOKEN}X` } },
    { what: 'the token without the scheme', headers: { authorization: METRICS_TOKEN } },
    { what: 'the token in the query', headers: {}, query: `?token=${METRICS_TOKEN}` },
  ]
  for (const { what, headers, query = '' } of refused) {
    const response = await app.inject({ method: 'GET', url: `/metrics${query}`, headers })
    t.equal(response.statusCode, 401, what)
    t.equal(response.headers['www-authenticate'], 'Bearer realm="metrics"', `${what}: says how to authenticate`)
    t.notMatch(response.body, /im_|process_/, `${what}: no metric in the answer`)
  }
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: SCRAPE })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/, 'the Prometheus text format')
  const samples = parse(response.body)
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    t.ok(value(samples, name) !== undefined, `Node's default metric ${name}`)
  }
})

t.test('requests per route and surface, open sockets, doorbell lag, dedupe hits, pool gauges; never a raw URL', async (t) => {
  const app = await buildTestApp(t, { env: { METRICS_TOKEN } })
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]

  // REST: three sends, the last one repeating the second's transaction_id.
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'one' })).code, 200)
  const first = await send(app, alice.token, { targets: [bob.userId], content: 'two', transaction_id: 4242 })
  const again = await send(app, alice.token, { targets: [bob.userId], content: 'two', transaction_id: 4242 })
  t.same(again.msg_ids, first.msg_ids, 'the repeat is answered with the first send’s ids')
  // Legacy, facade, files, ops; URLs with ids and capabilities in them; one URL no route serves.
  const legacy = await app.inject({
    method: 'POST',
    url: '/chat/group!groupList',
    headers: { 'content-type': 'application/x-www-form-urlencoded', uid: String(alice.userId), accessToken: alice.token, client: 'C1' },
    payload: '',
  })
  t.equal(legacy.json().success, true)
  t.equal((await app.inject({ method: 'GET', url: '/api/im/retrieve/987654321/', headers: { authorization: `Token ${alice.token}` } })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/files/avatars/0f1e2d3c4b5a69788796a5b4c3d2e1f0.png' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/no/such/place/${bob.token}` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)

  // A socket, the token in its URL, and a message reaching it; a handshake refused.
  const refused = await openSocket(url, 'x'.repeat(43), 'query').then(
    () => null,
    (error: unknown) => error,
  )
  t.match(refused, { status: 401 }, 'an unknown token is refused')
  const socket = await openSocket(url, bob.token, 'query')
  let samples = (await scrape(app)).samples
  t.equal(value(samples, 'im_ws_open_sockets'), 1, 'one socket open')
  const lagBefore = value(samples, 'im_bus_delivery_lag_seconds_count', { channel: 'messages.new' }) ?? 0
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'three' })).code, 200)
  await socket.next((frame) => frame.type === 'message' && frame.content === 'three')
  await socket.close()
  let text = ''
  for (let i = 0; i < 50; i++) {
    ;({ text, samples } = await scrape(app))
    if (value(samples, 'im_ws_open_sockets') === 0) break
    await pause(20)
  }
  t.equal(value(samples, 'im_ws_open_sockets'), 0, 'none after it closed')
  t.equal(value(samples, 'im_bus_delivery_lag_seconds_count', { channel: 'messages.new' }), lagBefore + 1, 'the doorbell of the message was measured')
  const lagSum = value(samples, 'im_bus_delivery_lag_seconds_sum', { channel: 'messages.new' })!
  t.ok(lagSum >= 0 && lagSum < 5 * (lagBefore + 1), `a lag in seconds, not milliseconds or epoch: ${lagSum}`)

  t.equal(requests(samples, { surface: 'rest', route: '/message/send', method: 'POST', status: '2xx' }), 4, 'REST sends')
  t.equal(requests(samples, { surface: 'rest', route: '/token/user', method: 'POST', status: '2xx' }), 2, 'REST logins')
  t.equal(requests(samples, { surface: 'legacy', route: '/chat/group!groupList', method: 'POST', status: '2xx' }), 1, 'legacy, by its action')
  t.equal(requests(samples, { surface: 'facade', route: '/api/im/retrieve/:id/', method: 'GET', status: '4xx' }), 1, 'facade, by its pattern')
  t.equal(requests(samples, { surface: 'files', route: '/files/:folder/:name', method: 'GET', status: '4xx' }), 1, 'files, by their pattern')
  t.equal(requests(samples, { surface: 'ops', route: '/healthz', method: 'GET', status: '2xx' }), 1, 'ops')
  t.ok(requests(samples, { surface: 'ops', route: '/metrics', method: 'GET', status: '2xx' })! >= 1, 'the scrapes themselves')
  t.equal(requests(samples, { surface: 'ws', route: '/ws', method: 'GET', status: '1xx' }), 1, 'the WebSocket handshake, upgraded')
  t.equal(requests(samples, { surface: 'ws', route: '/ws', method: 'GET', status: '4xx' }), 1, 'a refused one')
  t.equal(requests(samples, { surface: 'rest', route: 'unmatched', method: 'GET', status: '4xx' }), 1, 'a URL no route serves')
  t.ok(value(samples, 'im_http_request_duration_seconds_sum', { surface: 'rest', route: '/message/send', method: 'POST', status: '2xx' })! > 0, 'latency')
  t.equal(value(samples, 'im_send_dedupe_hits_total'), 1, 'one send answered from the dedupe table')

  for (const secret of [alice.token, bob.token, '987654321', '0f1e2d3c4b5a69788796a5b4c3d2e1f0', '/no/such', 'token=']) {
    t.notOk(text.includes(secret), `the metrics never show ${JSON.stringify(secret.slice(0, 12))}`)
  }

  const kind = app.testDatabase.database.kind
  const total = value(samples, 'im_db_pool_connections', { database: kind })!
  const idle = value(samples, 'im_db_pool_idle_connections', { database: kind })!
  t.ok(kind === 'pglite' ? total === 1 : total >= 1, `${kind}: connections open (${total})`)
  t.ok(idle >= 0 && idle <= total, `${kind}: idle within them (${idle})`)
  t.ok(value(samples, 'im_db_pool_waiting', { database: kind })! >= 0, `${kind}: waiting`)
})

t.test('pool gauges: every connection taken, and a query waiting for one', async (t) => {
  const app: TestApp = await buildTestApp(t, { env: { METRICS_TOKEN } })
  const db = app.testDatabase.database.db
  const kind = app.testDatabase.database.kind
  let open!: () => void
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  // Transactions that hold their connection until the gate opens, taken one by one until one has to wait.
  const holders: Array<Promise<unknown>> = []
  let waiting = false
  for (let i = 0; i < 50 && !waiting; i++) {
    let entered!: () => void
    const inside = new Promise<void>((resolve) => {
      entered = resolve
    })
    holders.push(
      db.transaction().execute(async () => {
        entered()
        await gate
      }),
    )
    waiting = await Promise.race([inside.then(() => false), pause(300).then(() => true)])
  }
  t.ok(waiting, `a transaction waits after ${holders.length - 1} took every connection`)
  const { samples } = await scrape(app)
  open()
  await Promise.all(holders)
  t.equal(value(samples, 'im_db_pool_idle_connections', { database: kind }), 0, 'no connection idle')
  t.ok(value(samples, 'im_db_pool_waiting', { database: kind })! >= 1, 'the queued transaction is counted as waiting')
  t.ok(value(samples, 'im_db_pool_connections', { database: kind })! >= holders.length - 1, 'every connection open')
  const after = (await scrape(app)).samples
  t.equal(value(after, 'im_db_pool_waiting', { database: kind }), 0, 'nobody waits once they are done')
})

t.test('doorbells carry their publish time; one without it (a process of the previous version) is delivered, not measured', async (t) => {
  const bus = memoryBus()
  const app = await buildTestApp(t, { env: { METRICS_TOKEN }, overrides: { bus } })
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const rung: string[] = []
  await bus.subscribe(MESSAGES_CHANNEL, (text) => rung.push(text))
  const before = Date.now()
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'while away' })).code, 200)
  await pause(20)
  const doorbell = JSON.parse(rung[0]!)
  t.ok(doorbell.publishedAt >= before && doorbell.publishedAt <= Date.now(), 'stamped with the wall clock when rung')
  const measured = () => scrape(app).then(({ samples }) => value(samples, 'im_bus_delivery_lag_seconds_count', { channel: 'messages.new' }) ?? 0)
  const lagBefore = await measured()

  const socket = await openSocket(url, bob.token)
  const { publishedAt: _publishedAt, ...unstamped } = doorbell
  await bus.publish(MESSAGES_CHANNEL, JSON.stringify(unstamped))
  const frame = await socket.next((f) => f.type === 'message')
  t.equal(frame.content, 'while away', 'delivered as before')
  t.equal(await measured(), lagBefore, 'and not measured')
  await socket.close()
})
