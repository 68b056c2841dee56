// Redis, then PostgreSQL, stopped and restarted under two gateway processes and a steady load of sends and socket deliveries: fast 503s meanwhile, full recovery after, nothing lost, doubled or skipped.
import t from 'tap'
import pg from 'pg'
import { gatewayProcesses, type ProcessNode } from '../helpers/cluster.ts'
import { missingDependencyBinaries, startOwnPostgres, startOwnRedis } from '../helpers/dependencies.ts'
import { Receiver } from '../helpers/receiver.ts'
import { call } from '../helpers/remote.ts'
import { remoteUser } from '../helpers/remote.ts'
import { pause } from '../helpers/sockets.ts'
import { md5, type TestUser } from '../helpers/users.ts'

const missing = missingDependencyBinaries()
const SENDERS = 4
const RECIPIENTS = 2
/** How long each dependency stays away. */
const OUTAGE_MS = 2_500

/** Waits for `check` to hold; false when it did not within `timeoutMs` (the caller asserts it). */
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) return false
    await pause(100)
  }
  return true
}

t.test('Redis and PostgreSQL each stopped and restarted under two gateways with a steady load', { skip: missing }, async (t) => {
  const [postgres, redis] = await Promise.all([startOwnPostgres(t), startOwnRedis(t)])
  const databaseUrl = await postgres.createDatabase('gateway')
  // The rate limit stays on (it counts in Redis): it must not turn a Redis outage into errors.
  const options = { redisUrl: redis.url, env: { RATE_LIMIT_PER_MINUTE: '1000000' } }
  const nodes: ProcessNode[] = await gatewayProcesses(t, databaseUrl, options).pair()
  const first = nodes[0]!

  const senders: TestUser[] = []
  const recipients: TestUser[] = []
  for (let i = 0; i < SENDERS; i++) senders.push(await remoteUser(first.url))
  for (let i = 0; i < RECIPIENTS; i++) recipients.push(await remoteUser(first.url))
  // Recipient i listens on gateway i; its reconnections go to the same one.
  const receivers = recipients.map((r, i) => new Receiver(() => nodes[i % nodes.length]!.wsUrl, r.token))
  await Promise.all(receivers.map((r) => r.start()))

  // ---- the load: each sender sends with a transaction_id and retries a refused or failed send until it is acknowledged ----
  const acknowledged = new Map<string, number>()
  const answered: Array<{ at: number; outcome: 'ok' | 'refused' }> = []
  const failures: string[] = []
  const unexpected: string[] = []
  let stopLoad = false
  async function sender(si: number): Promise<void> {
    const from = senders[si]!
    for (let n = 1; !stopLoad; n++) {
      const to = recipients[n % RECIPIENTS]!
      const body = { type: 1, targets: [to.userId], content: `k:${from.userId}:${n}`, transaction_id: n }
      for (let attempt = 0; ; attempt++) {
        const node = nodes[(si + n + attempt) % nodes.length]!
        const answer = await call(node.url, 'POST', '/message/send', { headers: { 'access-token': from.token }, json: body, timeoutMs: 8_000 })
        if (answer.status === 200 && answer.body?.code === 200) {
          acknowledged.set(`${from.userId}:${n}`, answer.body.msg_ids[0])
          answered.push({ at: Date.now(), outcome: 'ok' })
          break
        }
        if (answer.failed) failures.push(answer.failed)
        else if (answer.status === 503 && answer.body?.code === 20028) answered.push({ at: Date.now(), outcome: 'refused' })
        else unexpected.push(`${answer.status} ${JSON.stringify(answer.body)}`)
        await pause(100)
      }
      await pause(5)
    }
  }
  const load = Promise.all(senders.map((_, si) => sender(si)))
  const during = (from: number, to: number, outcome: 'ok' | 'refused') => answered.filter((a) => a.at >= from && a.at <= to && a.outcome === outcome).length
  await pause(1_500)
  t.ok(acknowledged.size > 0, `the load runs (${acknowledged.size} sends acknowledged)`)

  const readiness = () => Promise.all(nodes.map((n) => call(n.url, 'GET', '/readyz')))
  const allReady = async () => (await readiness()).every((r) => r.status === 200)

  // ---- Redis goes away ----
  const closesBefore = receivers.map((r) => r.closes.length)
  await redis.stop()
  const redisDown = Date.now()
  await pause(300)
  for (const ready of await readiness()) {
    t.match(ready, { status: 503, body: { status: 'unavailable', database: 'ok', redis: 'fail' } }, 'Redis down: /readyz names Redis')
  }
  const sender0 = senders[0]!
  const restLogin = await call(first.url, 'POST', '/token/user', { json: { name: sender0.username, password: sender0.password } })
  t.match(restLogin, { status: 503, body: { code: 20028, message: /Redis/, data: null } }, 'Redis down: a REST login answers 503 in its envelope')
  const legacyLogin = await call(first.url, 'POST', '/user/user!login', {
    headers: { client: 'outage-test' },
    form: { 'userVO.userName': sender0.username, 'userVO.password': md5(sender0.password) },
  })
  t.match(
    legacyLogin,
    { status: 503, body: { success: false, info: '服务暂时不可用，请稍后再试', code: 20028 } },
    'Redis down: a legacy login answers 503 in its envelope',
  )
  t.match(
    await call(first.url, 'GET', '/user/profile', { headers: { 'access-token': sender0.token } }),
    { status: 200, body: { code: 200 } },
    'Redis down: reads work',
  )
  t.match(
    await call(nodes[1]!.url, 'GET', '/api/im/token/', { headers: { authorization: `Token ${sender0.token}` } }),
    { status: 200, body: { key: /./ } },
    'Redis down: the facade, which needs only the database, works',
  )
  await pause(OUTAGE_MS - (Date.now() - redisDown))
  t.ok(
    during(redisDown, Date.now(), 'ok') > 0,
    `Redis down: sends are stored and answered (${during(redisDown, Date.now(), 'ok')}), their doorbells are what is lost`,
  )
  t.same(
    receivers.map((r) => r.closes.length),
    closesBefore,
    'Redis down: the sockets stay open',
  )
  await redis.start()
  t.ok(await until(allReady), 'both gateways ready after Redis returned')
  // Doorbells rung while Redis was away never came: each socket is told to reconnect, and syncs.
  t.ok(
    await until(() => receivers.every((r, i) => r.closes.slice(closesBefore[i]).includes(1012) && r.resyncs >= 1)),
    'Redis back: every socket was told to reconnect with 1012, came back and synced',
  )
  t.match(
    await call(nodes[1]!.url, 'POST', '/token/user', { json: { name: sender0.username, password: sender0.password } }),
    { status: 200, body: { code: 200 } },
    'Redis back: logins work without restarting the gateways',
  )

  // ---- PostgreSQL goes away ----
  const closesBeforePg = receivers.map((r) => r.closes.length)
  await postgres.stop()
  const pgDown = Date.now()
  await pause(300)
  for (const ready of await readiness()) {
    t.match(ready, { status: 503, body: { status: 'unavailable', database: 'fail', redis: 'ok' } }, 'PostgreSQL down: /readyz names the database')
  }
  t.match(
    await call(first.url, 'GET', '/user/profile', { headers: { 'access-token': sender0.token } }),
    { status: 503, body: { code: 20028, message: /database/ } },
    'PostgreSQL down: REST 503 in its envelope',
  )
  t.match(
    await call(first.url, 'POST', '/user/user!readUser', { headers: { uid: String(sender0.userId), accessToken: sender0.token }, form: {} }),
    { status: 503, body: { success: false, code: 20028 } },
    'PostgreSQL down: legacy 503 in its envelope',
  )
  t.match(
    await call(nodes[1]!.url, 'GET', '/api/im/group/', { headers: { authorization: `Token ${sender0.token}` } }),
    { status: 503, body: { detail: '服务暂时不可用，请稍后再试' } },
    'PostgreSQL down: facade 503 {detail} in Chinese',
  )
  const listening = receivers[0]!
  t.match(await listening.request({ type: 'ping' }), { type: 'pong' }, 'PostgreSQL down: a socket still answers ping')
  t.match(
    await listening.request({ type: 'sync', conversation: { type: 1, id: sender0.userId }, after_seq: 0 }),
    { type: 'error', code: 20028 },
    'PostgreSQL down: a sync is answered with error 20028',
  )
  await pause(OUTAGE_MS - (Date.now() - pgDown))
  t.ok(during(pgDown + 300, Date.now(), 'refused') > 0, 'PostgreSQL down: sends are refused with 503')
  t.same(
    receivers.map((r) => r.closes.length),
    closesBeforePg,
    'PostgreSQL down: the sockets stay open',
  )
  t.ok(
    nodes.every((n) => n.alive()),
    'both processes live through it',
  )
  await postgres.start()
  const pgBack = Date.now()
  t.ok(await until(allReady), 'both gateways ready after PostgreSQL returned')
  t.ok(await until(() => during(pgBack, Date.now(), 'ok') > 20), 'PostgreSQL back: sends go through without restarting the gateways')

  await pause(1_000)
  stopLoad = true
  await load
  t.same(failures, [], 'no request hung or lost its connection: every one was answered')
  t.same(unexpected, [], 'no answer other than success or 503 (code 20028)')

  // ---- what was stored: each acknowledged message once, every conversation numbered 1..n ----
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  t.teardown(() => client.end())
  const stored = (await client.query<{ id: string; content: string }>('select id, content from messages')).rows
  const contents = new Map<string, number>()
  for (const row of stored) contents.set(row.content, (contents.get(row.content) ?? 0) + 1)
  t.equal(stored.length, acknowledged.size, `as many messages stored as sends acknowledged (${acknowledged.size})`)
  t.same(
    [...contents].filter(([, n]) => n > 1),
    [],
    'none stored twice',
  )
  const ids = new Set(stored.map((row) => Number(row.id)))
  t.same(
    [...acknowledged.values()].filter((id) => !ids.has(id)),
    [],
    'every acknowledged message is stored under the id it was acknowledged with',
  )
  const gaps = await client.query(`
    select c.id from conversations c join messages m on m.conversation_id = c.id
    group by c.id, c.last_seq having count(*) <> c.last_seq or max(m.seq) <> c.last_seq or min(m.seq) <> 1`)
  t.same(gaps.rows, [], 'every conversation is numbered 1..n without a gap')

  // ---- what the sockets hold, live and by their own syncs after reconnecting (no extra sync by the test) ----
  const conversations = (await client.query<{ peer_a: number; peer_b: number; last_seq: number }>('select peer_a, peer_b, last_seq from conversations')).rows
  const expected = (r: number) =>
    conversations
      .filter((c) => c.peer_a === recipients[r]!.userId || c.peer_b === recipients[r]!.userId)
      .map((c) => ({ peer: c.peer_a === recipients[r]!.userId ? c.peer_b : c.peer_a, lastSeq: c.last_seq }))
  // Time to catch up; what they hold is asserted below, with the detail of what is missing.
  await until(() => receivers.every((receiver, r) => expected(r).every((c) => receiver.contiguous(c.peer) === c.lastSeq)), 15_000)
  for (const [r, receiver] of receivers.entries()) {
    t.ok(expected(r).length > 0, `recipient ${r} has conversations to check`)
    for (const { peer, lastSeq } of expected(r)) {
      t.same(
        [...(receiver.held.get(peer) ?? [])].sort((a, b) => a - b),
        Array.from({ length: lastSeq }, (_, i) => i + 1),
        `recipient ${r} from ${peer}: 1..${lastSeq}, each once`,
      )
    }
    t.same(receiver.outOfOrder, [], `recipient ${r}: on each socket, frames in seq order and never twice`)
  }
  t.ok(
    nodes.every((n) => n.alive()),
    'both gateways are the processes that started',
  )
  for (const node of nodes) t.notMatch(node.stderr(), /Unhandled|uncaught|\[ioredis\]/i, 'no unhandled error was printed')
  t.comment(`${acknowledged.size} messages; ${answered.filter((a) => a.outcome === 'refused').length} sends refused with 503 and retried`)
  await Promise.all(receivers.map((r) => r.stop()))
  await Promise.all(nodes.map((n) => n.stop()))
})
