// Message comparisons: send vs a raw INSERT, group vs one-to-one send, socket fan-out vs a bare ws broadcast, deep vs shallow history.
import { sql } from 'kysely'
import { WebSocket } from 'ws'
import { frameText } from '../../src/surfaces/realtime/frames.ts'
import type { Fixture } from './fixture.ts'
import { BARE_INSERT_PATH } from './bare.ts'
import { groupOf } from './groups.ts'
import { historyPageTarget } from './reading.ts'
import { bareBroadcaster, socketFleet, type BareBroadcaster, type SocketFleet } from './socket-fleet.ts'
import { seedUsers } from './users.ts'
import { httpTarget, type LoadOptions, type Measurement, type Target } from './target.ts'

const PAYLOAD = { content_type: 0, content: 'a benchmark message of ordinary length, about sixty characters' }

/** Sends to `to`, or in turn to each of several (one conversation each), through the app or another gateway at `baseUrl`. */
export function sendTarget(f: Fixture, type: 1 | 2, to: number | number[], baseUrl = f.appUrl): Target {
  const body = (target: number) => JSON.stringify({ type, targets: [target], ...PAYLOAD })
  return httpTarget({
    url: `${baseUrl}/message/send`,
    method: 'POST',
    headers: { 'access-token': f.user.token, 'content-type': 'application/json' },
    ...(Array.isArray(to) ? { bodies: to.map(body) } : { body: body(to) }),
    sameBody: false,
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.code !== 200 || !Number.isInteger(json.msg_ids?.[0])) throw new Error('not sent')
    },
  })
}

/** The raw INSERT writes into a conversation of its own, so it never collides with the app's numbering. */
async function bareInsertTarget(f: Fixture, to: number[] = [f.peer.userId]): Promise<Target> {
  const row = await f.db
    .insertInto('conversations')
    .values({ app_id: 'default', kind: 1, peer_a: 0, peer_b: -1 - Math.floor(Math.random() * 1e9) })
    .returning('id')
    .executeTakeFirstOrThrow()
  f.bareConversation.id = row.id
  return httpTarget({
    url: `${f.bareUrl}${BARE_INSERT_PATH}`,
    method: 'POST',
    headers: { 'access-token': f.user.token, 'content-type': 'application/json' },
    bodies: to.map((target) => JSON.stringify({ type: 1, targets: [target], ...PAYLOAD })),
    sameBody: false,
    verify(status, body) {
      if (status !== 200 || !Number.isInteger(JSON.parse(body).id)) throw new Error('not inserted')
    },
  })
}

/**
 * The user writes to 100 peers in turn, as real traffic spreads over conversations. (All into one
 * conversation, sends queue on its row lock, held to commit so its numbering has no gaps: see the
 * hot-conversation comparison.)
 */
export async function oneToOneVsInsert(f: Fixture, conversations = 100) {
  const stamp = Date.now().toString(36)
  const peers = await sql<{ id: number }>`
    insert into users (app_id, username) select 'default', ${`peer_${stamp}_`} || g from generate_series(1, ${conversations}::int) g returning id`.execute(f.db)
  const ids = conversations === 1 ? [f.peer.userId] : peers.rows.map((r) => r.id)
  return { a: sendTarget(f, 1, ids), b: await bareInsertTarget(f, ids) }
}

/** A group of 1,000 receiving members (the user and 999 others); nobody is connected, so this is the send alone. */
export async function groupVsOneToOne(f: Fixture) {
  const stamp = Date.now().toString(36)
  const others = await sql<{ id: number }>`
    insert into users (app_id, username) select 'default', ${`member_${stamp}_`} || g from generate_series(1, 999) g returning id`.execute(f.db)
  const group = await groupOf(
    f,
    others.rows.map((r) => r.id),
  )
  return { a: sendTarget(f, 2, group), b: sendTarget(f, 1, f.peer.userId) }
}

/** A Target measured in rounds: one round = one message out, every socket has it. */
export function roundsTarget(round: () => Promise<void>): Target {
  return {
    async check() {
      await round()
    },
    async measure({ durationSeconds }: LoadOptions): Promise<Measurement> {
      const latencies: number[] = []
      const started = performance.now()
      while (performance.now() - started < durationSeconds * 1000) {
        const t0 = performance.now()
        await round()
        latencies.push(performance.now() - t0)
      }
      const seconds = (performance.now() - started) / 1000
      latencies.sort((x, y) => x - y)
      return {
        requestsPerSecond: latencies.length / seconds,
        p50: latencies[Math.floor(latencies.length / 2)]!,
        p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
        requests: latencies.length,
      }
    },
  }
}

/** `count` users with a token each, in one group of the fixture's user. */
export async function groupWithTokens(f: Fixture, count: number, prefix: string) {
  const users = await seedUsers(f, count, prefix)
  return { users: users.ids.map((id) => ({ id })), tokens: users.tokens, group: await groupOf(f, users.ids) }
}

/** Resolves with the first frame the socket receives after `ready`, as text. */
function observer(url: string, token: string): Promise<{ next(): Promise<string>; close(): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { 'access-token': token } })
    ws.once('error', reject)
    // `ready` comes with the handshake: registered from then on.
    ws.once('message', () =>
      resolve({
        next: () => new Promise((frame) => ws.once('message', (data) => frame(frameText(data)))),
        close: () => ws.terminate(),
      }),
    )
  })
}

/**
 * `count` users, each with one socket on the app, in one group with the sender; against a bare `ws`
 * server sending the same frame to `count` clients. The clients live in a child process (socket-fleet.ts),
 * so the server's process holds only its own end of each socket, as in production.
 */
export async function fanOut(f: Fixture, count = 1000) {
  // One more member than clients: the observer, whose copy of the message is the frame the bare server sends.
  const users = await seedUsers(f, count + 1, 'fan')
  const group = await groupOf(f, users.ids)
  const wsUrl = f.appUrl.replace(/^http/, 'ws')
  const watch = await observer(`${wsUrl}/ws`, users.tokens[count]!)
  const ours = socketFleet()
  const theirs = socketFleet()
  let bare: BareBroadcaster | undefined
  const close = async () => {
    watch.close()
    await Promise.all([ours.close(), theirs.close(), bare?.close()])
  }
  try {
    // Each waits for `ready`: the socket is registered.
    await ours.open(
      `${wsUrl}/ws`,
      users.tokens.slice(0, count).map((token) => ({ 'access-token': token })),
    )
    const oursRound = groupSendRound(f, ours, count, group, PAYLOAD.content)
    const sampled = watch.next()
    await oursRound()
    // The frame the bare server sends: one real frame of ours, byte for byte.
    const sample = await sampled

    // In a process of its own, as the app's sockets are all in this one.
    bare = await bareBroadcaster()
    const bareRound = await bareRounds(theirs, bare, count, sample)
    return { a: roundsTarget(oursRound), b: roundsTarget(bareRound), close }
  } catch (error) {
    await close()
    throw error
  }
}

/** One round of ours: the fleet armed for `count` frames, one group message sent through REST, every frame in. */
export function groupSendRound(f: Fixture, fleet: SocketFleet, count: number, group: number, content: string) {
  return async () => {
    await fleet.arm(count)
    const response = await fetch(`${f.appUrl}/message/send`, {
      method: 'POST',
      headers: { 'access-token': f.user.token, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 2, targets: [group], content_type: 0, content }),
    })
    if (((await response.json()) as { code: number }).code !== 200) throw new Error('group send failed')
    await fleet.wait()
  }
}

/** The bare side: `count` plain sockets of the fleet on the broadcaster; one round = `frame` to all of them. */
export async function bareRounds(fleet: SocketFleet, broadcaster: BareBroadcaster, count: number, frame: string | Uint8Array) {
  await fleet.open(
    broadcaster.url,
    Array.from({ length: count }, () => ({})),
    false,
  )
  return async () => {
    await fleet.arm(count)
    await broadcaster.broadcast(frame)
    await fleet.wait()
  }
}

/** Two conversations of the user, filled by one INSERT … SELECT generate_series each: 1,000,000 and 1,000 messages. */
export async function historyDepth(f: Fixture, deep = 1_000_000, shallow = 1_000) {
  // Two new peers: the user's other conversations (from the send comparisons) stay out of it.
  const stamp = Date.now().toString(36)
  const others = await sql<{ id: number }>`
    insert into users (app_id, username) values ('default', ${`hist_${stamp}_deep`}), ('default', ${`hist_${stamp}_shallow`}) returning id`.execute(f.db)
  const peers = others.rows.map((r) => r.id)
  const now = Date.now()
  for (const [i, size] of [deep, shallow].entries()) {
    const peer = peers[i]!
    const conversation = await f.db
      .insertInto('conversations')
      .values({
        app_id: 'default',
        kind: 1,
        peer_a: Math.min(f.user.userId, peer),
        peer_b: Math.max(f.user.userId, peer),
        last_seq: size,
        last_msg_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`
      insert into messages (conversation_id, seq, sender_id, target_id, content_type, content, sent_at)
      select ${conversation.id}, g, case when g % 2 = 0 then ${f.user.userId}::int else ${peer}::int end,
             case when g % 2 = 0 then ${peer}::int else ${f.user.userId}::int end, 0, 'history ' || g, ${now - size}::bigint + g
      from generate_series(1, ${size}::int) g`.execute(f.db)
  }
  await sql`analyze messages`.execute(f.db)
  const page = (peer: number) => historyPageTarget(f, `opposite_id=${peer}`)
  return { shallow: page(peers[1]!), deep: page(peers[0]!) }
}
