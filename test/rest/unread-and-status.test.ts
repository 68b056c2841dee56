// The one-statement reads: /message/unread and the socket list across many kinds of conversation, and group read status from one aggregate.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { ack, history, send, sendText, unread } from '../helpers/messages.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'

interface Listed {
  type: number
  conversation_id: { uid: number }
  num: number
  last_seq: number
  timestamp: number
}

t.test('unread: pairs, the system, groups (late joins with and without history), read, deleted, left and dismissed, all in one list', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const url = await listen(app)
  const [me, p1, p2, p3, p4] = [await registerUser(app), await registerUser(app), await registerUser(app), await registerUser(app), await registerUser(app)]

  // Pairs: unread from others only, control messages not counted, read up to an ack, deleted ones gone.
  const p1First = await sendText(app, p1.token, me.userId, 'p1 a')
  await sendText(app, p1.token, me.userId, 'p1 b')
  await sendText(app, p1.token, me.userId, 'p1 c')
  await sendText(app, me.token, p1.userId, 'mine')
  t.match(
    await send(app, p1.token, { targets: [me.userId], content_type: 12, related_mid: p1First, content: 'p1 a, replaced' }),
    { code: 200 },
    'a REPLACE: a control message',
  )
  const p2First = await sendText(app, p2.token, me.userId, 'p2 a')
  await sendText(app, p2.token, me.userId, 'p2 b')
  t.match(await ack(app, me.token, { msg_id: p2First }), { code: 200 })
  const p3Only = await sendText(app, p3.token, me.userId, 'p3 a')
  t.match(await ack(app, me.token, { msg_id: p3Only }), { code: 200 })
  await sendText(app, p4.token, me.userId, 'p4 a')
  const deleted = await app.inject({ method: 'DELETE', url: `/message/conversation?conversation_id=${p4.userId}`, headers: { 'access-token': me.token } })
  t.match(deleted.json(), { code: 200 })
  t.match(await rest(ADMIN_TOKEN, 'POST', '/message/notify', { type: 1, targets: [me.userId], content: 'from the system' }), { code: 200 })

  // A group from the start: one's own message not counted, read up to an ack.
  const fromStart = await createGroup(app, p1, {}, [me, p2])
  const fromStartFirst = await sendText(app, p1.token, fromStart, 'g1 a', 2)
  await sendText(app, p1.token, fromStart, 'g1 b', 2)
  await sendText(app, p2.token, fromStart, 'g1 c', 2)
  await sendText(app, me.token, fromStart, 'g1 mine', 2)
  t.match(await ack(app, me.token, { msg_id: fromStartFirst }), { code: 200 })
  // Joined late, history hidden: only what came after the join counts.
  const hidden = await createGroup(app, p2, {}, [p3])
  await sendText(app, p2.token, hidden, 'g2 before', 2)
  await pause(30)
  t.match(await rest(p2, 'POST', '/group/invite', { group_id: hidden, user_list: [me.userId] }), { code: 200, data: [{ result: 'success' }] })
  await pause(30)
  await sendText(app, p3.token, hidden, 'g2 after', 2)
  // Joined late, history shown: everything counts.
  const shown = await createGroup(app, p3, {}, [p1])
  t.match(await rest(p3, 'POST', '/group/settings/history_visible', { group_id: shown, value: true }), { code: 200 })
  await sendText(app, p3.token, shown, 'g3 before', 2)
  await pause(30)
  t.match(await rest(p3, 'POST', '/group/invite', { group_id: shown, user_list: [me.userId] }), { code: 200, data: [{ result: 'success' }] })
  await pause(30)
  await sendText(app, p1.token, shown, 'g3 after', 2)
  // Dismissed, and left: neither is listed.
  const dismissed = await createGroup(app, p4, {}, [me])
  await sendText(app, p4.token, dismissed, 'g4', 2)
  t.match(await rest(p4, 'POST', `/group/destroy?group_id=${dismissed}`), { code: 200 })
  const left = await createGroup(app, p1, {}, [me])
  await sendText(app, p1.token, left, 'g5', 2)
  t.match(await rest(me, 'POST', `/group/leave?group_id=${left}`), { code: 200 })

  const list = (await unread(app, me.token)).data as Listed[]
  const byKey = Object.fromEntries(list.map((c) => [`${c.type}:${c.conversation_id.uid}`, [c.num, c.last_seq]]))
  t.same(
    byKey,
    {
      [`1:${p1.userId}`]: [3, 5],
      [`1:${p2.userId}`]: [1, 2],
      [`1:${p3.userId}`]: [0, 1],
      '1:0': [1, 1],
      [`2:${fromStart}`]: [2, 4],
      [`2:${hidden}`]: [1, 2],
      [`2:${shown}`]: [2, 2],
    },
    'each conversation with its own count; the deleted pair, the dismissed and the left group are not listed',
  )
  t.same(
    list.map((c) => c.timestamp),
    list.map((c) => c.timestamp).sort((a, b) => b - a),
    'newest first',
  )
  t.same([list[0]!.type, list[0]!.conversation_id.uid], [2, shown], 'the listed conversation written to last is first')

  const socket = await openSocket(url, me.token)
  socket.send({ type: 'sync', id: 'list' })
  const synced = (await socket.next((f) => f.id === 'list')).conversations as Array<{
    conversation: { type: number; id: number }
    last_seq: number
    read_seq: number
    unread: number
  }>
  t.same(
    synced.map((c) => [c.conversation.type, c.conversation.id, c.unread, c.last_seq]),
    list.map((c) => [c.type, c.conversation_id.uid, c.num, c.last_seq]),
    'the socket list sync says the same, in the same order',
  )
  t.same(
    synced
      .filter((c) => c.read_seq > 0)
      .map((c) => [c.conversation.type, c.conversation.id, c.read_seq])
      .sort(),
    [
      [1, p2.userId, 1],
      [1, p3.userId, 1],
      [2, fromStart, 1],
    ].sort(),
    'with the read marks the acks left',
  )
  await socket.close()
})

t.test('group status with read_ack: READ once every other receiving member has read, the sender never counted, from one aggregate', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const url = await listen(app)
  const [owner, a, b, c, quiet, leaver] = [
    await registerUser(app),
    await registerUser(app),
    await registerUser(app),
    await registerUser(app),
    await registerUser(app),
    await registerUser(app),
  ]
  const group = await createGroup(app, owner, {}, [a, b, c, quiet, leaver])
  t.match(await rest(owner, 'POST', '/group/settings/enable_read_ack', { group_id: group, value: true }), { code: 200 })
  t.match(await rest(quiet, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 2 }), { code: 200 })
  const ids = [
    await sendText(app, owner.token, group, 'o1', 2),
    await sendText(app, a.token, group, 'a2', 2),
    await sendText(app, b.token, group, 'b3', 2),
    await sendText(app, owner.token, group, 'o4', 2),
    await sendText(app, c.token, group, 'c5', 2),
  ]
  // The leaver read nothing and goes: it no longer holds anything back. The quiet member (mode 2) never did.
  t.match(await rest(leaver, 'POST', `/group/leave?group_id=${group}`), { code: 200 })
  t.match(await ack(app, a.token, { msg_id: ids[4]! }), { code: 200 })
  t.match(await ack(app, b.token, { msg_id: ids[3]! }), { code: 200 })
  t.match(await ack(app, c.token, { msg_id: ids[2]! }), { code: 200 })

  const statuses = async (reader = owner) =>
    ((await history(app, reader.token, { opposite_id: group, type: 2 })).data.messages as Array<{ content: string; status: string }>).map(
      (m) => `${m.content} ${m.status}`,
    )
  // Marks: owner 0, a 5, b 4, c 3.
  t.same(
    await statuses(),
    ['c5 DELIVERED', 'o4 DELIVERED', 'b3 DELIVERED', 'a2 DELIVERED', 'o1 READ'],
    'the owner, who read nothing, holds back every message but its own; its own waits for c (3), who has read o1',
  )
  t.same(await statuses(a), await statuses(), 'every member sees the same status')

  t.match(await ack(app, owner.token, { msg_id: ids[4]! }), { code: 200 })
  // Marks: owner 5, a 5, b 4, c 3.
  t.same(await statuses(), ['c5 DELIVERED', 'o4 DELIVERED', 'b3 READ', 'a2 READ', 'o1 READ'], 'c (3) holds back o4; b (4) holds back c5')

  t.match(await ack(app, b.token, { msg_id: ids[4]! }), { code: 200 })
  // Marks: owner 5, a 5, b 5, c 3: c is the lowest but sent c5.
  t.same(await statuses(), ['c5 READ', 'o4 DELIVERED', 'b3 READ', 'a2 READ', 'o1 READ'], "the sender's own mark does not count against its message")

  const older = (await history(app, owner.token, { opposite_id: group, type: 2, msg_id_start: ids[3]!, limit: 2 })).data
  t.same(
    older.messages.map((m: { content: string; status: string }) => `${m.content} ${m.status}`),
    ['o4 DELIVERED', 'b3 READ'],
    'an older page is told the same',
  )
  const socket = await openSocket(url, c.token)
  socket.send({ type: 'sync', id: 's', conversation: { type: 2, id: group } })
  const synced = await socket.next((f) => f.id === 's')
  t.same(
    synced.messages.map((m: { content: string; status: string }) => `${m.content} ${m.status}`),
    ['o1 READ', 'a2 READ', 'b3 READ', 'o4 DELIVERED', 'c5 READ'],
    'and a socket sync',
  )
  await socket.close()

  t.match(await ack(app, c.token, { msg_id: ids[3]! }), { code: 200 })
  t.same(await statuses(), ['c5 READ', 'o4 READ', 'b3 READ', 'a2 READ', 'o1 READ'], 'c reads o4: everything is READ')
  t.match(await rest(quiet, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 0 }), { code: 200 })
  t.same(
    await statuses(),
    ['c5 DELIVERED', 'o4 DELIVERED', 'b3 DELIVERED', 'a2 DELIVERED', 'o1 DELIVERED'],
    'a member who receives again and read nothing holds everything back',
  )
})
