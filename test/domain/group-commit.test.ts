// GroupCommit on the real database: a burst into one or many conversations is one statement, and a row the database refuses fails alone.
import t from 'tap'
import { sql, type KyselyPlugin } from 'kysely'
import { GroupCommit, type Committed } from '../../src/domain/messages/group-commit.ts'
import type { NewMessage } from '../../src/domain/messages/messages.repository.ts'
import { freshDatabase } from '../helpers/database.ts'

function message(content: string): NewMessage {
  return { senderId: 1, senderDeviceSn: 0, targetId: 2, contentType: 0, content, attachment: '', config: '', ext: '', relatedMid: null, sentAt: Date.now() }
}

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const { database, drop } = await freshDatabase()
  t.teardown(async () => {
    await database.close()
    await drop()
  })
  await sql`insert into apps (id) values ('default') on conflict do nothing`.execute(database.db)
  let statements = 0
  // Counts what is sent to the database; the statements themselves run unchanged.
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      statements++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const key = { appId: 'default', kind: 1 as const, peerA: 1, peerB: 2 }
  const stored = async () =>
    (
      await sql<{ seq: number; content: string }>`select m.seq, m.content from messages m join conversations c on c.id = m.conversation_id
      where c.peer_a = 1 and c.peer_b = 2 order by m.seq`.execute(database.db)
    ).rows.map((r) => [Number(r.seq), r.content])
  return { commits: new GroupCommit(database.db.withPlugin(counter)), key, statements: () => statements, stored, db: database.db }
}

t.test('20 concurrent sends into one conversation: one statement, numbered in arrival order', async (t) => {
  const { commits, key, statements, stored } = await setUp(t)
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => commits.submit(key, { message: message(`m${i}`), pushing: false })))
  t.equal(statements(), 1, 'one statement for twenty messages')
  t.same(
    results.map((r) => ('appended' in r ? r.appended.seq : 0)),
    Array.from({ length: 20 }, (_, i) => i + 1),
  )
  t.same(
    await stored(),
    Array.from({ length: 20 }, (_, i) => [i + 1, `m${i}`]),
  )
})

t.test('a message the database refuses (a NUL in text) fails alone; the rest of its batch is stored', async (t) => {
  const { commits, key, stored } = await setUp(t)
  const settled = await Promise.allSettled(['first', 'a', 'b\u0000', 'c'].map((content) => commits.submit(key, { message: message(content), pushing: false })))
  t.same(
    settled.map((s) => s.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  )
  t.same(
    settled.flatMap((s) => (s.status === 'fulfilled' ? [(s.value as Committed & { appended: { seq: number } }).appended.seq] : [])),
    [1, 2, 3],
  )
  t.same(await stored(), [
    [1, 'first'],
    [2, 'a'],
    [3, 'c'],
  ])
})

t.test('sends into five conversations at once: one statement, each conversation numbered 1..n in arrival order', async (t) => {
  const { commits, statements, db } = await setUp(t)
  const keys = Array.from({ length: 5 }, (_, i) => ({ appId: 'default', kind: 1 as const, peerA: 10 + i, peerB: 20 + i }))
  const sends = Array.from({ length: 20 }, (_, i) => ({ key: keys[(i * 3) % 5]!, content: `m${i}` }))
  const results = await Promise.all(sends.map((s) => commits.submit(s.key, { message: message(s.content), pushing: false })))
  t.equal(statements(), 1, 'one statement for twenty messages in five conversations')
  for (const key of keys) {
    const mine = sends.flatMap((s, i) => (s.key === key ? [{ content: s.content, result: results[i]! }] : []))
    t.same(
      mine.map((m) => ('appended' in m.result ? m.result.appended.seq : 0)),
      mine.map((_, i) => i + 1),
      `conversation ${key.peerA}: 1..${mine.length} in arrival order`,
    )
    const rows = await sql<{ seq: number; content: string }>`select m.seq, m.content from messages m join conversations c on c.id = m.conversation_id
      where c.peer_a = ${key.peerA} and c.peer_b = ${key.peerB} order by m.seq`.execute(db)
    t.same(
      rows.rows.map((r) => [Number(r.seq), r.content]),
      mine.map((m, i) => [i + 1, m.content]),
    )
  }
  // And the next burst continues each sequence.
  const next = await Promise.all(keys.map((key) => commits.submit(key, { message: message('next'), pushing: false })))
  t.same(
    next.map((r) => ('appended' in r ? r.appended.seq : 0)),
    [5, 5, 5, 5, 5],
  )
  t.equal(statements(), 2)
})

t.test('one send into each of five conversations: one statement, each takes the next number in its own', async (t) => {
  const { commits, statements, db } = await setUp(t)
  const keys = Array.from({ length: 5 }, (_, i) => ({ appId: 'default', kind: 1 as const, peerA: 30 + i, peerB: 40 + i }))
  // Conversation 0 has two messages already, the others none: the numbers must follow each one's own last_seq.
  await commits.submit(keys[0]!, { message: message('a'), pushing: false })
  await commits.submit(keys[0]!, { message: message('b'), pushing: false })
  const before = statements()
  const results = await Promise.all(keys.map((key, i) => commits.submit(key, { message: message(`x${i}`), pushing: false })))
  t.equal(statements() - before, 1, 'one statement for five conversations')
  t.same(
    results.map((r) => ('appended' in r ? r.appended.seq : 0)),
    [3, 1, 1, 1, 1],
  )
  for (const [i, key] of keys.entries()) {
    const rows = await sql<{ id: number; seq: number; content: string; last_seq: number }>`select m.id, m.seq, m.content, c.last_seq from messages m
      join conversations c on c.id = m.conversation_id where c.peer_a = ${key.peerA} and c.peer_b = ${key.peerB} order by m.seq desc limit 1`.execute(db)
    const result = results[i]!
    t.same(
      rows.rows.map((r) => [Number(r.id), Number(r.seq), r.content, Number(r.last_seq)]),
      [['appended' in result ? result.appended.id : 0, i === 0 ? 3 : 1, `x${i}`, i === 0 ? 3 : 1]],
      `conversation ${i}: its message under the id answered, last_seq moved by one`,
    )
  }
})
