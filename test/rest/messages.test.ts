// /message/* between users through HTTP: send, dedup, history paging, unread, ack and status, deletion, notify, related_mid rules.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { ack, history, send, sendText, unread } from '../helpers/messages.ts'

t.test('one-to-one: send, history both ways, fields kept as sent', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const sent = await send(app, alice.token, {
    targets: [bob.userId],
    content_type: 1,
    content: 'a picture',
    attachment: '{"url":"http://x/y.png"}',
    config: '{"c":1}',
    ext: '{"e":[1,2]}',
  })
  t.match(sent, { code: 200, message: null, data: true })
  t.equal(sent.msg_ids.length, 1)
  const [msgId] = sent.msg_ids

  const asBob = await history(app, bob.token, { opposite_id: alice.userId })
  t.equal(asBob.code, 200)
  t.same(
    asBob.data.messages,
    [
      {
        msg_id: msgId,
        seq: 1,
        from_xid: { uid: alice.userId, device_sn: 0 },
        to_xid: { uid: bob.userId, device_sn: 0 },
        ctype: 'IMAGE',
        content: 'a picture',
        attachment: '{"url":"http://x/y.png"}',
        config: '{"c":1}',
        ext: '{"e":[1,2]}',
        status: 'DELIVERED',
        timestamp: asBob.data.messages[0].timestamp,
      },
    ],
    'the fetching recipient has it delivered',
  )
  t.ok(Math.abs(asBob.data.messages[0].timestamp - Date.now()) < 60_000, 'timestamp in ms')
  t.match(asBob.data, { messages_size: 1, next_msg_id: 0, is_last: true })
  t.notOk('set_msg_id' in asBob.data.messages[0], 'no serialisation artifacts')
  const asAlice = await history(app, alice.token, { opposite_id: bob.userId })
  t.same(
    asAlice.data.messages.map((m: { msg_id: number }) => m.msg_id),
    [msgId],
    'the sender reads the same conversation',
  )

  const carol = await registerUser(app)
  t.same((await history(app, carol.token, { opposite_id: alice.userId })).data.messages, [], 'a third user sees only its own (empty) conversation')
  t.match(await history(app, alice.token, { opposite_id: 999999 }), { code: 10000 }, 'unknown user')
  t.match(await history(app, alice.token, { opposite_id: alice.userId }), { code: 10002 }, 'no conversation with yourself')
  t.match(
    await history(app, carol.token, { opposite_id: alice.userId, msg_id_start: msgId }),
    { code: 10002 },
    'a message of another conversation is not a start',
  )
})

t.test('history pages backwards exactly: msg_id_start inclusive, next_msg_id, is_last', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const ids: number[] = []
  for (let i = 1; i <= 7; i++) ids.push(await sendText(app, i % 2 ? alice.token : bob.token, i % 2 ? bob.userId : alice.userId, `m${i}`))
  const seen: number[] = []
  let start = 0
  let pages = 0
  for (;;) {
    const page = (await history(app, alice.token, { opposite_id: bob.userId, msg_id_start: start, limit: 3 })).data
    pages++
    seen.push(...page.messages.map((m: { msg_id: number }) => m.msg_id))
    t.equal(page.messages_size, page.messages.length)
    if (page.is_last) {
      t.equal(page.next_msg_id, 0)
      break
    }
    start = page.next_msg_id
  }
  t.equal(pages, 3)
  t.same(seen, [...ids].reverse(), 'every message once, newest first')
  const seqs = (await history(app, bob.token, { opposite_id: alice.userId, limit: 100 })).data.messages.map((m: { seq: number }) => m.seq)
  t.same(seqs, [7, 6, 5, 4, 3, 2, 1], 'the conversation sequence has no gaps')
  t.match(await history(app, alice.token, { opposite_id: bob.userId, limit: 0 }), { code: 10002 }, 'limit 1–100')
  t.match(await history(app, alice.token, { opposite_id: bob.userId, limit: 101 }), { code: 10002 })
})

t.test('transaction_id: a repeated send returns the first result and stores nothing', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob, carol] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  const first = await send(app, alice.token, { targets: [bob.userId, carol.userId], content: 'once', transaction_id: 42 })
  const again = await send(app, alice.token, { targets: [bob.userId], content: 'twice?', transaction_id: 42 })
  t.equal(first.msg_ids.length, 2)
  t.same(again, first, 'same answer, same message ids')
  const other = await send(app, bob.token, { targets: [alice.userId], content: 'mine', transaction_id: 42 })
  t.notSame(other.msg_ids, first.msg_ids, 'transaction ids are per sender')
  t.same(
    (await history(app, bob.token, { opposite_id: alice.userId })).data.messages.map((m: { content: string }) => m.content),
    ['mine', 'once'],
  )
  // Concurrent repeats: exactly one is stored.
  const burst = await Promise.all(Array.from({ length: 8 }, () => send(app, carol.token, { targets: [alice.userId], content: 'burst', transaction_id: 7 })))
  t.equal(new Set(burst.map((b) => b.msg_ids[0])).size, 1, 'one message id for all')
  t.equal((await history(app, alice.token, { opposite_id: carol.userId })).data.messages.filter((m: { content: string }) => m.content === 'burst').length, 1)
})

t.test('unread, ack and status; deleting a conversation hides it for the caller only', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob, carol] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  const m1 = await sendText(app, alice.token, bob.userId, 'one')
  const m2 = await sendText(app, alice.token, bob.userId, 'two')
  await sendText(app, carol.token, bob.userId, 'from carol')
  await sendText(app, bob.token, alice.userId, 'reply')

  const list = (await unread(app, bob.token)).data
  t.same(
    list.map((c: { conversation_id: { uid: number }; num: number; type: number }) => [c.conversation_id.uid, c.type, c.num]),
    [
      [alice.userId, 1, 2],
      [carol.userId, 1, 1],
    ],
    'newest first; own messages not counted',
  )
  t.equal(list[0].last_seq, 3)
  t.same(
    (await history(app, alice.token, { opposite_id: bob.userId })).data.messages.map((m: { status: string }) => m.status),
    ['DELIVERED', 'UNREAD', 'UNREAD'],
    'bob has fetched nothing yet; alice fetching delivered the reply to her',
  )

  t.match(await ack(app, bob.token, { conversation_id: alice.userId, msg_id: m1 }), { code: 200, data: true })
  t.equal((await unread(app, bob.token)).data[0].num, 1)
  const statuses = (await history(app, alice.token, { opposite_id: bob.userId })).data.messages
  t.same(
    statuses.map((m: { content: string; status: string }) => [m.content, m.status]),
    [
      ['reply', 'DELIVERED'],
      ['two', 'UNREAD'],
      ['one', 'READ'],
    ],
  )
  t.match(await ack(app, bob.token, { msg_id: m2, device_sn: 1 }), { code: 200 }, 'conversation_id may be left out')
  t.equal((await unread(app, bob.token)).data[0].num, 0)
  t.match(await ack(app, carol.token, { msg_id: m2 }), { code: 10010 }, 'not your conversation')
  t.match(await ack(app, bob.token, { msg_id: m2, conversation_id: carol.userId }), { code: 10002 }, 'not in that conversation')
  t.match(await ack(app, bob.token, { msg_id: 987654 }), { code: 10002 }, 'no such message')
  t.match(await ack(app, bob.token, {}), { code: 10002 }, 'msg_id is required')

  const del = await app.inject({ method: 'DELETE', url: `/message/conversation?conversation_id=${carol.userId}`, headers: { 'access-token': bob.token } })
  t.match(del.json(), { code: 200, data: true })
  t.same(
    (await unread(app, bob.token)).data.map((c: { conversation_id: { uid: number } }) => c.conversation_id.uid),
    [alice.userId],
  )
  t.same(
    (await unread(app, carol.token)).data.map((c: { conversation_id: { uid: number }; num: number }) => [c.conversation_id.uid, c.num]),
    [[bob.userId, 0]],
    'carol still has it',
  )
  t.equal((await history(app, bob.token, { opposite_id: carol.userId })).data.messages.length, 1, 'history is kept')
  await sendText(app, carol.token, bob.userId, 'again')
  t.same(
    (await unread(app, bob.token)).data.map((c: { conversation_id: { uid: number }; num: number }) => [c.conversation_id.uid, c.num]),
    [
      [carol.userId, 1],
      [alice.userId, 0],
    ],
    'a newer message brings it back, counting only what came after',
  )
  const missing = await app.inject({ method: 'DELETE', url: `/message/conversation?conversation_id=${alice.userId}`, headers: { 'access-token': carol.token } })
  t.match(missing.json(), { code: 10002 }, 'no such conversation')
})

t.test('send: targets, content types, senders and the blacklist', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  t.match(await send(app, alice.token, { targets: [] }), { code: 10002 })
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 8 }), { code: 10002 }, '8 is no content type')
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 13 }), { code: 10002 })
  t.match(await send(app, alice.token, { targets: [bob.userId], type: 3 }), { code: 10002 })
  t.match(await send(app, alice.token, { targets: [123456] }), { code: 10000 })
  t.match(await send(app, alice.token, { targets: [alice.userId] }), { code: 10002 }, 'not to yourself')
  t.match(await send(app, alice.token, { targets: [bob.userId], from_user_id: bob.userId }), { code: 10010 }, 'a user sends only as itself')
  for (const type of [0, 1, 2, 3, 4, 5, 6, 7])
    t.match(await send(app, alice.token, { targets: [bob.userId], content_type: type }), { code: 200 }, `content_type ${type}`)
  const ctypes = (await history(app, bob.token, { opposite_id: alice.userId, limit: 8 })).data.messages.map((m: { ctype: string }) => m.ctype)
  t.same(ctypes, ['FORWARD', 'COMMAND', 'LOCATION', 'FILE', 'VIDEO', 'AUDIO', 'IMAGE', 'TEXT'])

  const block = (owner: typeof bob, other: typeof bob, how: 'block' | 'unblock') =>
    app.inject({ method: 'POST', url: `/roster/${how}?user_id=${other.userId}`, headers: { 'access-token': owner.token } }).then((r) => r.json())
  t.match(await block(bob, alice, 'block'), { code: 200, data: true })
  t.match(await send(app, alice.token, { targets: [bob.userId], content: 'blocked' }), { code: 10006 }, 'blacklisted by the recipient')
  t.match(await send(app, bob.token, { targets: [alice.userId], content: 'bob writes' }), { code: 200 }, 'the other way is open')
  const carol = await registerUser(app)
  const before = (await history(app, carol.token, { opposite_id: alice.userId })).data.messages.length
  t.match(await send(app, alice.token, { targets: [carol.userId, bob.userId] }), { code: 10006 }, 'one refused target refuses the send')
  t.equal((await history(app, carol.token, { opposite_id: alice.userId })).data.messages.length, before, 'and nothing was stored')
  t.notOk(
    (await history(app, bob.token, { opposite_id: alice.userId })).data.messages.some((m: { content: string }) => m.content === 'blocked'),
    'the refused message is nowhere',
  )
  t.match(await block(bob, alice, 'unblock'), { code: 200, data: true })
  t.match(await send(app, alice.token, { targets: [bob.userId], content: 'friends again' }), { code: 200 }, 'unblocked: the send goes through')
  t.equal((await history(app, bob.token, { opposite_id: alice.userId, limit: 1 })).data.messages[0].content, 'friends again')

  // The admin token sends as a user.
  t.match(await send(app, ADMIN_TOKEN, { targets: [carol.userId], content: 'as bob', from_user_id: bob.userId }), { code: 200 })
  t.match(await send(app, ADMIN_TOKEN, { targets: [carol.userId] }), { code: 10002 }, 'the admin names the sender')
  t.match(await send(app, ADMIN_TOKEN, { targets: [carol.userId], content: 'as alice' }, { user_id: String(alice.userId) }), { code: 200 })
  t.same(
    (await history(app, carol.token, { opposite_id: bob.userId })).data.messages.map((m: { content: string; from_xid: { uid: number } }) => [
      m.content,
      m.from_xid.uid,
    ]),
    [['as bob', bob.userId]],
  )
  t.match(await send(app, '', { targets: [bob.userId] }), { code: 10003 })
})

t.test('related_mid: recall, append, replace and read receipts', async (t) => {
  let now = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => now } })
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const original = await sendText(app, alice.token, bob.userId, 'oops')
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 10 }), { code: 10002 }, 'related_mid is required')
  t.match(await send(app, bob.token, { targets: [alice.userId], content_type: 10, related_mid: original }), { code: 10010 }, 'only the sender recalls')
  t.match(
    await send(app, bob.token, { targets: [alice.userId], content_type: 12, related_mid: original, content: 'x' }),
    { code: 10010 },
    'only the sender replaces',
  )
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 11, related_mid: original, content: ' more' }), { code: 200 }, 'append')
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 12, related_mid: original, content: 'fixed' }), { code: 200 }, 'replace')
  t.match(
    await send(app, alice.token, { targets: [bob.userId], content_type: 9, related_mid: original }),
    { code: 10002 },
    'no read receipt for your own message',
  )
  const carol = await registerUser(app)
  t.match(
    await send(app, alice.token, { targets: [carol.userId], content_type: 10, related_mid: original }),
    { code: 10002 },
    'related_mid of another conversation',
  )

  const recall = await send(app, alice.token, { targets: [bob.userId], content_type: 10, related_mid: original })
  t.equal(recall.code, 200)
  const items = (await history(app, bob.token, { opposite_id: alice.userId })).data.messages
  t.match(items[0], { ctype: 'RECALL', related_mid: original, msg_id: recall.msg_ids[0] })
  const recalled = items.find((m: { msg_id: number }) => m.msg_id === original)
  t.match(recalled, { ctype: 'TEXT', content: '', recalled: true }, 'the recalled words are gone')
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 10, related_mid: original }), { code: 10002 }, 'already recalled')
  t.match(
    await send(app, alice.token, { targets: [bob.userId], content_type: 10, related_mid: recall.msg_ids[0] }),
    { code: 10002 },
    'a control message cannot be recalled',
  )

  const late = await sendText(app, alice.token, bob.userId, 'too late to take back')
  now += 3 * 60 * 1000
  t.match(await send(app, alice.token, { targets: [bob.userId], content_type: 10, related_mid: late }), { code: 10010 }, 'the recall window is 2 minutes')

  const receipt = await send(app, bob.token, { targets: [alice.userId], content_type: 9, related_mid: late })
  t.equal(receipt.code, 200)
  t.equal((await unread(app, bob.token)).data[0].num, 0, 'a read receipt reads up to its message')
  t.equal((await unread(app, alice.token)).data[0].num, 0, 'and does not count as unread for the other side')
  const latest = (await history(app, alice.token, { opposite_id: bob.userId, limit: 2 })).data.messages
  t.match(latest, [
    { ctype: 'READ_ACK', related_mid: late },
    { msg_id: late, status: 'READ' },
  ])
})

t.test('notify: admin system notifications to users', async (t) => {
  const app = await buildTestApp(t)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const sent = await app.inject({
    method: 'POST',
    url: '/message/notify',
    headers: { 'access-token': ADMIN_TOKEN },
    payload: { type: 1, targets: [alice.userId, bob.userId], content: 'maintenance tonight', transaction_id: 5 },
  })
  t.match(sent.json(), { code: 200, data: true })
  const repeat = await app.inject({
    method: 'PUT',
    url: '/message/notify',
    headers: { 'access-token': ADMIN_TOKEN },
    payload: { type: 1, targets: [alice.userId, bob.userId], content: 'maintenance tonight', transaction_id: 5 },
  })
  t.same(repeat.json().msg_ids, sent.json().msg_ids, 'deduplicated too')
  const page = (await history(app, alice.token, { opposite_id: 0 })).data
  t.match(page.messages, [{ from_xid: { uid: 0 }, to_xid: { uid: alice.userId }, content: 'maintenance tonight', ctype: 'TEXT' }], 'from the system (uid 0)')
  t.same(
    (await unread(app, bob.token)).data.map((c: { conversation_id: { uid: number }; num: number }) => [c.conversation_id.uid, c.num]),
    [[0, 1]],
  )
  const asUser = await app.inject({
    method: 'POST',
    url: '/message/notify',
    headers: { 'access-token': ADMIN_TOKEN },
    payload: { type: 1, targets: [alice.userId], from_user_id: bob.userId, content: 'hi' },
  })
  t.match(asUser.json(), { code: 200 })
  t.equal((await history(app, alice.token, { opposite_id: bob.userId })).data.messages[0].content, 'hi')
  const bad = await app.inject({
    method: 'POST',
    url: '/message/notify',
    headers: { 'access-token': ADMIN_TOKEN },
    payload: { type: 1, targets: [alice.userId], content_type: 10, related_mid: 1 },
  })
  t.match(bad.json(), { code: 10002 }, 'notifications are content types 0–7')
  const noGroup = await app.inject({ method: 'POST', url: '/message/notify', headers: { 'access-token': ADMIN_TOKEN }, payload: { type: 2, targets: [1] } })
  t.match(noGroup.json(), { code: 20001 }, 'no such group')
  const userToken = await app.inject({
    method: 'POST',
    url: '/message/notify',
    headers: { 'access-token': alice.token },
    payload: { type: 1, targets: [bob.userId] },
  })
  t.match(userToken.json(), { code: 10010 })
})

t.test('multi-target sends in opposite orders, concurrently: no deadlock, msg_ids follow the targets', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const [alice, bob, carol] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  const orders = Array.from({ length: 12 }, (_, i) => (i % 2 ? [bob.userId, carol.userId] : [carol.userId, bob.userId]))
  const answers = await Promise.all(orders.map((targets) => send(app, alice.token, { targets, content: 'both' })))
  t.same(
    answers.map((a) => a.code),
    orders.map(() => 200),
  )
  const bobIds = new Set((await history(app, bob.token, { opposite_id: alice.userId, limit: 100 })).data.messages.map((m: { msg_id: number }) => m.msg_id))
  t.equal(bobIds.size, 12)
  t.ok(
    answers.every((a, i) => bobIds.has(a.msg_ids[orders[i]![0] === bob.userId ? 0 : 1])),
    'each msg_id in the place of its target',
  )
})
