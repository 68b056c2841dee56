// Group commit through HTTP: concurrent sends into one conversation keep gap-free numbering, dedupe and each send's own answer.
import t from 'tap'
import { rmSync } from 'node:fs'
import { sql, type KyselyPlugin } from 'kysely'
import { buildApp } from '../../src/app.ts'
import { buildTestApp, testConfig, type TestApp } from '../helpers/app.ts'
import { freshDatabase } from '../helpers/database.ts'
import { registerUser } from '../helpers/users.ts'
import { history, send } from '../helpers/messages.ts'

t.test('a burst into one pair conversation, both ways, one direction blocked, repeats among them', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  // Bob does not take Alice's messages; Alice takes Bob's. Both write into the same conversation at once.
  const blocked = await app.inject({ method: 'POST', url: '/roster/block', headers: { 'access-token': bob.token }, query: { user_id: String(alice.userId) } })
  t.equal(blocked.json().code, 200)

  const fromBob = Array.from({ length: 24 }, (_, i) =>
    // Every fourth send repeats the transaction_id of the one before it, in the same burst.
    send(app, bob.token, {
      targets: [alice.userId],
      content: `bob ${i}`,
      ...(i % 4 === 3 ? { transaction_id: i - 1 } : i % 4 === 2 ? { transaction_id: i } : {}),
    }),
  )
  const fromAlice = Array.from({ length: 6 }, (_, i) => send(app, alice.token, { targets: [bob.userId], content: `alice ${i}` }))
  const [bobs, alices] = await Promise.all([Promise.all(fromBob), Promise.all(fromAlice)])

  t.ok(
    alices.every((a) => a.code === 10006),
    "each of Alice's sends refused on its own (IN_BLACKLIST)",
  )
  t.ok(
    bobs.every((b) => b.code === 200 && b.msg_ids.length === 1),
    "every one of Bob's sends answered with its message",
  )
  for (let i = 3; i < 24; i += 4) t.same(bobs[i].msg_ids, bobs[i - 1].msg_ids, `send ${i} repeated send ${i - 1}: same message`)
  const distinct = new Set(bobs.map((b) => b.msg_ids[0]))
  t.equal(distinct.size, 18, '24 sends, 6 of them repeats: 18 messages')

  const page = (await history(app, alice.token, { opposite_id: bob.userId, limit: 50 })).data.messages as Array<{
    msg_id: number
    seq: number
    content: string
  }>
  t.same(
    page.map((m) => m.seq),
    Array.from({ length: 18 }, (_, i) => 18 - i),
    'numbered 1..18 without gaps',
  )
  t.same(new Set(page.map((m) => m.msg_id)), distinct, 'exactly the acknowledged messages are stored')
  t.notOk(
    page.some((m) => m.content.startsWith('alice')),
    'nothing of the refused sends is stored',
  )
  // A send issued after another was answered comes after it.
  const later = await send(app, bob.token, { targets: [alice.userId], content: 'later' })
  const newest = (await history(app, alice.token, { opposite_id: bob.userId, limit: 1 })).data.messages[0]
  t.same([newest.msg_id, newest.seq], [later.msg_ids[0], 19])
})

/**
 * Locks the user's conversations for `ms` in a transaction of the test's own, and resolves once they are held: sends
 * issued meanwhile queue behind the first batch (on the embedded database the whole session waits), so they go
 * together when it ends, as under load.
 */
async function holdConversations(app: TestApp, userId: number, ms: number): Promise<{ released: Promise<void> }> {
  let held!: () => void
  const taken = new Promise<void>((resolve) => (held = resolve))
  const released = app.testDatabase.database.db.transaction().execute(async (trx) => {
    await sql`select id from conversations where kind = 1 and (peer_a = ${userId} or peer_b = ${userId}) for update`.execute(trx)
    held()
    await sql`select pg_sleep(${ms / 1000})`.execute(trx)
  })
  await taken
  return { released }
}

t.test('a burst across many conversations: each numbered 1..n in its own sequence, a blocked send fails alone and takes no number', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const peers = await Promise.all(Array.from({ length: 12 }, () => registerUser(app)))
  const blocker = peers[5]!
  const block = (user_id: number, on: boolean) =>
    app.inject({
      method: 'POST',
      url: on ? '/roster/block' : '/roster/unblock',
      headers: { 'access-token': blocker.token },
      query: { user_id: String(user_id) },
    })
  // One reply from each peer first: every conversation exists (numbered 1), and can be held.
  const replies = await Promise.all(peers.map((peer, p) => send(app, peer.token, { targets: [alice.userId], content: `reply ${p}` })))
  t.ok(
    replies.every((r) => r.code === 200),
    'every peer wrote first',
  )
  t.equal((await block(alice.userId, true)).json().code, 200)

  // Four rounds to every peer and one more from each peer, issued while the conversations are held: they share batches.
  const sends = peers.flatMap((peer, p) => [
    ...Array.from({ length: 4 }, (_, i) => ({ from: alice, to: peer, content: `alice ${p}.${i}` })),
    { from: peer, to: alice, content: `again ${p}` },
  ])
  const hold = await holdConversations(app, alice.userId, 300)
  const answers = await Promise.all(sends.map((s) => send(app, s.from.token, { targets: [s.to.userId], content: s.content })))
  await hold.released
  sends.forEach((s, i) => {
    if (s.from === alice && s.to === blocker) t.equal(answers[i].code, 10006, `${s.content}: refused (IN_BLACKLIST)`)
    else t.ok(answers[i].code === 200 && answers[i].msg_ids.length === 1, `${s.content}: sent`)
  })

  for (const [p, peer] of peers.entries()) {
    const page = (await history(app, alice.token, { opposite_id: peer.userId, limit: 50 })).data.messages as Array<{
      msg_id: number
      seq: number
      content: string
    }>
    const stored = [
      replies[p].msg_ids[0],
      ...sends.flatMap((s, i) => ((s.to === peer || s.from === peer) && answers[i].code === 200 ? [answers[i].msg_ids[0]] : [])),
    ]
    t.same(
      page.map((m) => m.seq),
      Array.from({ length: stored.length }, (_, i) => stored.length - i),
      `conversation with peer ${p}: 1..${stored.length} without gaps`,
    )
    t.same(new Set(page.map((m) => m.msg_id)), new Set(stored), `conversation with peer ${p}: exactly the acknowledged messages`)
  }

  // A burst that dedupes (one transaction): refused sends, one with and one without a transaction_id, beside sends that repeat.
  const hold2 = await holdConversations(app, alice.userId, 200)
  const burst = await Promise.all([
    ...Array.from({ length: 3 }, (_, i) => send(app, alice.token, { targets: [blocker.userId], content: 'refused', transaction_id: 900 + i })),
    send(app, alice.token, { targets: [blocker.userId], content: 'refused' }),
    ...peers.slice(0, 3).map((peer) => send(app, alice.token, { targets: [peer.userId], content: 'with a repeat', transaction_id: 903 })),
  ])
  await hold2.released
  t.same(
    burst.map((r) => r.code),
    [10006, 10006, 10006, 10006, 200, 200, 200],
    'each refused alone, the others sent',
  )
  t.equal(new Set(burst.slice(4).map((r) => r.msg_ids[0])).size, 1, 'one transaction_id to three peers: one message, then its repeats (as lone sends)')

  // Unblocked: the next send takes number 3 (after the peer's two), and the refused sends' transaction_ids were never claimed.
  t.equal((await block(alice.userId, false)).json().code, 200)
  const again = await send(app, alice.token, { targets: [blocker.userId], content: 'after unblock', transaction_id: 900 })
  t.equal(again.code, 200)
  const newest = (await history(app, alice.token, { opposite_id: blocker.userId, limit: 1 })).data.messages[0]
  t.same([newest.msg_id, newest.seq, newest.content], [again.msg_ids[0], 3, 'after unblock'], 'the refused sends used no number and no transaction_id')
  const repeat = await send(app, alice.token, { targets: [blocker.userId], content: 'after unblock', transaction_id: 900 })
  t.same([repeat.code, repeat.msg_ids], [200, again.msg_ids], 'a repeat is answered with the first send')

  // Blocked again: a repeat of a transaction_id already sent is refused too, as the blacklist is asked before the dedupe.
  t.equal((await block(alice.userId, true)).json().code, 200)
  const refusedRepeat = await send(app, alice.token, { targets: [blocker.userId], content: 'after unblock', transaction_id: 900 })
  t.equal(refusedRepeat.code, 10006, 'a repeat to a user who now blocks the sender: IN_BLACKLIST')
})

t.test('a one-to-one send costs the token lookup and one statement; a refused one too, and a multi-target send still asks first', async (t) => {
  const testDatabase = await freshDatabase()
  let statements: string[] = []
  // Counts what the app sends to the database; the statements themselves run unchanged.
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      statements.push(args.node.kind)
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const config = testConfig()
  const app = await buildApp(config, { database: { ...testDatabase.database, db: testDatabase.database.db.withPlugin(counter) } })
  t.teardown(async () => {
    await app.close()
    await testDatabase.drop()
    rmSync(config.DATA_DIR, { recursive: true, force: true })
  })
  const [alice, bob, carol] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  // Once: the users become known (KnownUsers remembers them).
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'first' })).code, 200)
  t.equal((await send(app, alice.token, { targets: [carol.userId], content: 'first' })).code, 200)

  statements = []
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'plain' })).code, 200)
  t.equal(statements.length, 2, 'sent: the token lookup and the append (which reads the blacklist)')

  const blocked = await app.inject({ method: 'POST', url: '/roster/block', headers: { 'access-token': bob.token }, query: { user_id: String(alice.userId) } })
  t.equal(blocked.json().code, 200)
  statements = []
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'refused' })).code, 10006)
  t.equal(statements.length, 2, 'refused: the same two statements')

  // Two targets go through one transaction of their own, which asks the blacklist before it writes anything.
  statements = []
  t.equal((await send(app, alice.token, { targets: [carol.userId, bob.userId], content: 'two' })).code, 10006)
  t.ok(statements.length >= 3, 'a multi-target send asks the blacklist before its transaction')
  const carolSees = (await history(app, carol.token, { opposite_id: alice.userId, limit: 5 })).data.messages
  t.same(
    carolSees.map((m: { content: string }) => m.content),
    ['first'],
    'nothing of the refused multi-target send is stored',
  )
})
