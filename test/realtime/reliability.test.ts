// Reliability: concurrent clients, 10% repeated transaction_ids, one gateway restarted mid-run; afterwards every acknowledged message exactly once, no gaps.
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { inProcessCluster, realProcessesPossible, gatewayProcesses, type Node } from '../helpers/cluster.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { openSocket, pause, type Frame, type TestSocket } from '../helpers/sockets.ts'

/**
 * Sends per run (10% of them repeats of an earlier send). 10,000 on PostgreSQL + Redis, where two real
 * processes share the load and one is killed (SIGKILL) mid-run; 2,000 on the embedded default, where both
 * gateways live in this process and one is closed and rebuilt mid-run. RELIABILITY_SENDS overrides.
 */
const SENDS = Number(process.env.RELIABILITY_SENDS ?? (realProcessesPossible ? 10_000 : 2_000))
const SENDERS = 8
const DEVICES_PER_SENDER = 2
const RECIPIENTS = 4

interface Job {
  sender: number
  txid: number
  recipient: number
  content: string
}

t.test(`${SENDS} sends from ${SENDERS * DEVICES_PER_SENDER} concurrent clients, 10% repeated, one gateway restarted mid-run`, async (t) => {
  let app: TestApp
  const nodes: Node[] = []
  let restart: () => Promise<void>
  if (realProcessesPossible) {
    app = await buildTestApp(t)
    const gateways = gatewayProcesses(t, app.testDatabase.url!)
    nodes.push(...(await gateways.pair()))
    restart = async () => {
      await nodes[1]!.stop('crash')
      nodes[1] = await gateways.start()
    }
  } else {
    const cluster = await inProcessCluster(t)
    app = cluster.first
    nodes.push({ url: cluster.firstUrl, wsUrl: cluster.firstUrl.replace(/^http/, 'ws'), stop: async () => {} }, await cluster.start())
    restart = async () => {
      await nodes[1]!.stop()
      nodes[1] = await cluster.start()
    }
  }

  const senders: TestUser[] = []
  const recipients: TestUser[] = []
  for (let i = 0; i < SENDERS; i++) senders.push(await registerUser(app))
  for (let i = 0; i < RECIPIENTS; i++) recipients.push(await registerUser(app))
  // The recipients listen on the gateway that stays up.
  const sockets = new Map<number, TestSocket>()
  for (const r of recipients) sockets.set(r.userId, await openSocket(nodes[0]!.wsUrl, r.token))

  // Each sender's jobs: new messages, and one in ten a repeat of an earlier one (same transaction_id and body).
  const queues: Job[][] = senders.map((s, si) => {
    const jobs: Job[] = []
    const perSender = Math.ceil(SENDS / SENDERS)
    for (let n = 0; n < perSender; n++) {
      if (n > 0 && n % 10 === 5) jobs.push(jobs[Math.floor(Math.random() * jobs.length)]!)
      else jobs.push({ sender: si, txid: n + 1, recipient: recipients[(n + si) % RECIPIENTS]!.userId, content: `k:${s.userId}:${n + 1}` })
    }
    return jobs
  })
  const acknowledged = new Map<string, number>()
  let mismatches = 0
  let completed = 0
  let retries = 0
  let restarted: Promise<void> | undefined
  const half = Math.floor(SENDS / 2)

  async function sendOnce(job: Job, node: Node): Promise<number[] | null> {
    try {
      const response = await fetch(`${node.url}/message/send`, {
        method: 'POST',
        headers: { 'access-token': senders[job.sender]!.token, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 1, targets: [job.recipient], content: job.content, transaction_id: job.txid }),
      })
      if (response.status >= 500) return null
      const body = (await response.json()) as { code: number; msg_ids: number[] }
      if (body.code !== 200) throw new Error(`send refused: ${JSON.stringify(body)}`)
      return body.msg_ids
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('send refused')) throw error
      return null // the gateway went away mid-request: the outcome is unknown, so send again
    }
  }

  async function client(queue: Job[], device: number): Promise<void> {
    let turn = device
    for (;;) {
      const job = queue.shift()
      if (!job) return
      let ids: number[] | null = null
      while (!ids) {
        ids = await sendOnce(job, nodes[turn++ % nodes.length]!)
        if (!ids) {
          retries++
          await pause(20)
        }
      }
      const key = `${job.sender}:${job.txid}`
      const first = acknowledged.get(key)
      if (first === undefined) acknowledged.set(key, ids[0]!)
      else if (first !== ids[0]) mismatches++
      if (++completed === half) restarted = restart()
    }
  }

  const started = Date.now()
  await Promise.all(queues.flatMap((queue) => Array.from({ length: DEVICES_PER_SENDER }, (_, d) => client(queue, d))))
  await restarted
  const seconds = (Date.now() - started) / 1000
  t.comment(
    `${completed} sends (${acknowledged.size} distinct) in ${seconds.toFixed(1)} s, ${(completed / seconds).toFixed(0)}/s, ${retries} retries after the restart`,
  )
  t.equal(completed, queues.length === 0 ? 0 : senders.length * Math.ceil(SENDS / SENDERS), 'every send acknowledged')
  t.equal(mismatches, 0, 'a repeated transaction_id always answered the first message id')

  // The database: each acknowledged message exactly once, and each conversation numbered 1..n without gaps.
  const db = app.testDatabase.database.db
  const stored = await db.selectFrom('messages').select(['id', 'content', 'conversation_id', 'seq']).execute()
  const byContent = new Map<string, number>()
  for (const row of stored) byContent.set(row.content, (byContent.get(row.content) ?? 0) + 1)
  t.equal(stored.length, acknowledged.size, 'as many stored messages as distinct acknowledged sends')
  t.equal([...byContent.values()].filter((n) => n > 1).length, 0, 'no message stored twice')
  const ackedIds = new Set(acknowledged.values())
  t.equal(stored.filter((row) => ackedIds.has(Number(row.id))).length, ackedIds.size, 'every acknowledged id is stored')
  const gaps = await sql<{ id: number }>`
    select c.id from conversations c join messages m on m.conversation_id = c.id
    group by c.id, c.last_seq having count(*) <> c.last_seq or max(m.seq) <> c.last_seq or min(m.seq) <> 1`.execute(db)
  t.same(gaps.rows, [], 'every conversation is numbered 1..last_seq')

  // The sockets: each message once, in seq order per conversation, after a final sync for doorbells lost in the restart.
  let received = 0
  for (const [userId, socket] of sockets) {
    const frames = socket.frames.filter((f) => f.type === 'message')
    const perConversation = new Map<number, Frame[]>()
    for (const f of frames) perConversation.set(f.conversation.id, [...(perConversation.get(f.conversation.id) ?? []), f])
    for (const [peer, list] of perConversation) {
      const seqs = list.map((f) => f.seq as number)
      t.ok(
        seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
        `user ${userId} from ${peer}: strictly increasing seq`,
      )
      socket.send({ type: 'sync', id: `final-${peer}`, conversation: { type: 1, id: peer }, after_seq: seqs.at(-1), limit: 200 })
      const rest = await socket.next((f) => f.id === `final-${peer}`, 10_000)
      const all = [...seqs, ...rest.messages.map((m: { seq: number }) => m.seq)]
      t.same(
        all,
        Array.from({ length: all.length }, (_, i) => i + 1),
        `user ${userId} from ${peer}: 1..n exactly once`,
      )
      received += all.length
    }
  }
  const toRecipients = stored.length
  t.equal(received, toRecipients, 'the recipients hold every stored message')
  for (const socket of sockets.values()) await socket.close()
})
