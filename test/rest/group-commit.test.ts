// Group commit through HTTP: concurrent sends into one conversation keep gap-free numbering, dedupe and each send's own answer.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
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
