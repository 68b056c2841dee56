// Group messages through HTTP and sockets, with a test group directory: who may send, who receives, who reads what, read_ack.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { TestGroups } from '../helpers/directories.ts'
import { ack, history, send, sendText, unread } from '../helpers/messages.ts'
import { framesOf, listen, openSocket, pause } from '../helpers/sockets.ts'

async function setUp(t: { teardown(fn: () => unknown): void }, count: number, now?: () => number) {
  const groups = new TestGroups()
  const app = await buildTestApp(t, { overrides: { groupDirectory: groups, ...(now ? { now } : {}) } })
  const users: TestUser[] = []
  for (let i = 0; i < count; i++) users.push(await registerUser(app))
  return { app, groups, users }
}

t.test('members send; the message is stored once and every receiving member reads it', async (t) => {
  const { app, groups, users: [owner, member, outsider] } = await setUp(t, 3)
  const group = groups.create([owner!.userId, member!.userId])
  const msgId = await sendText(app, member!.token, group, 'hi all', 2)
  for (const reader of [owner!, member!]) {
    const page = (await history(app, reader.token, { opposite_id: group, type: 2 })).data
    t.match(page.messages, [{ msg_id: msgId, seq: 1, to_xid: { uid: group }, from_xid: { uid: member!.userId }, status: 'DELIVERED' }])
  }
  const stored = await app.testDatabase.database.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(stored.n), 1, 'one row for the whole group')
  t.match(await send(app, outsider!.token, { type: 2, targets: [group] }), { code: 20002 }, 'a non-member cannot send')
  t.match(await history(app, outsider!.token, { opposite_id: group, type: 2 }), { code: 20002 }, 'nor read')
  t.match(await send(app, owner!.token, { type: 2, targets: [424242] }), { code: 20001 }, 'no such group')
  groups.set(group, { status: 1 })
  t.match(await send(app, owner!.token, { type: 2, targets: [group] }), { code: 20001 }, 'a dismissed group')
  t.same((await unread(app, owner!.token)).data.map((c: { type: number; conversation_id: { uid: number }; num: number }) => [c.type, c.conversation_id.uid, c.num]),
    [], 'a dismissed group leaves the list')
})

t.test('bans: a banned member, and ban_all for everyone but admins and the owner', async (t) => {
  let now = Date.now()
  const { app, groups, users: [owner, admin, member] } = await setUp(t, 3, () => now)
  const group = groups.create([owner!.userId, admin!.userId, member!.userId])
  groups.setMember(group, admin!.userId, { role: 'admin' })
  const nowSeconds = () => Math.floor(now / 1000)
  groups.setMember(group, member!.userId, { bannedUntil: nowSeconds() + 60 })
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 10010, message: /banned/ })
  now += 61_000
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 200 }, 'the ban ran out')
  groups.setMember(group, member!.userId, { bannedUntil: -1 })
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 10010 }, 'banned for ever')
  groups.setMember(group, member!.userId, { bannedUntil: 0 })

  groups.set(group, { banAll: -1 })
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 20012 }, 'ban_all: members are muted')
  t.match(await send(app, admin!.token, { type: 2, targets: [group] }), { code: 200 }, 'admins still speak')
  t.match(await send(app, owner!.token, { type: 2, targets: [group] }), { code: 200 }, 'so does the owner')
  groups.set(group, { banAll: nowSeconds() - 1 })
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 200 }, 'a ban_all in the past is over')
  const notice = await app.inject({ method: 'POST', url: '/message/notify', headers: { 'access-token': ADMIN_TOKEN }, payload: { type: 2, targets: [group], content: 'system' } })
  t.match(notice.json(), { code: 200 }, 'notifications ignore bans')
  t.match((await history(app, member!.token, { opposite_id: group, type: 2, limit: 1 })).data.messages, [{ from_xid: { uid: 0 }, content: 'system' }])
})

t.test('msg_mute_mode 2 members receive no frames; others get each message once', async (t) => {
  const { app, groups, users: [owner, loud, quiet] } = await setUp(t, 3)
  const url = await listen(app)
  const group = groups.create([owner!.userId, loud!.userId, quiet!.userId])
  groups.setMember(group, quiet!.userId, { muteMode: 2 })
  const loudSocket = await openSocket(url, loud!.token)
  const quietSocket = await openSocket(url, quiet!.token)
  const ownerSocket = await openSocket(url, owner!.token)
  const msgId = await sendText(app, owner!.token, group, 'announcement', 2)
  t.match(await loudSocket.next((f) => f.type === 'message'), { msg_id: msgId, conversation: { type: 2, id: group }, seq: 1 })
  t.match(await ownerSocket.next((f) => f.type === 'message'), { msg_id: msgId }, 'the sender\'s own sockets too')
  await pause(200)
  t.same(framesOf(quietSocket, 'message'), [], 'mode 2 does not receive')
  t.equal((await history(app, quiet!.token, { opposite_id: group, type: 2 })).data.messages.length, 1, 'but may read the history')
  for (const s of [loudSocket, quietSocket, ownerSocket]) await s.close()
})

t.test('history_visible: late joiners see only what came after they joined, unless the group shows history', async (t) => {
  let now = 1_800_000_000_000
  const { app, groups, users: [owner, late] } = await setUp(t, 2, () => now)
  const group = groups.create([owner!.userId])
  await sendText(app, owner!.token, group, 'before', 2)
  now += 1000
  groups.join(group, late!.userId, { joinedAt: now })
  now += 1000
  const after = await sendText(app, owner!.token, group, 'after', 2)
  const seen = (await history(app, late!.token, { opposite_id: group, type: 2 })).data
  t.same(seen.messages.map((m: { content: string }) => m.content), ['after'])
  t.match(seen, { is_last: true, next_msg_id: 0 })
  t.same((await unread(app, late!.token)).data.map((c: { num: number }) => c.num), [1], 'unread counts only what may be seen')
  groups.set(group, { historyVisible: true })
  t.same((await history(app, late!.token, { opposite_id: group, type: 2 })).data.messages.map((m: { content: string }) => m.content), ['after', 'before'])
  t.match(await ack(app, late!.token, { msg_id: after }), { code: 200 })
})

t.test('read_ack: the sender sees READ once every receiving member has read; READ_ACK needs it on', async (t) => {
  const { app, groups, users: [owner, a, b] } = await setUp(t, 3)
  const url = await listen(app)
  const group = groups.create([owner!.userId, a!.userId, b!.userId])
  const msgId = await sendText(app, owner!.token, group, 'read me', 2)
  t.match(await send(app, a!.token, { type: 2, targets: [group], content_type: 9, related_mid: msgId }), { code: 10002 }, 'READ_ACK needs read_ack')
  await ack(app, a!.token, { msg_id: msgId, conversation_id: group })
  await ack(app, b!.token, { msg_id: msgId })
  t.equal((await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages[0].status, 'DELIVERED', 'read_ack off: never READ')

  groups.set(group, { readAck: true })
  const second = await sendText(app, owner!.token, group, 'and me', 2)
  const ownerSocket = await openSocket(url, owner!.token)
  await ack(app, a!.token, { msg_id: second })
  t.match(await ownerSocket.next((f) => f.type === 'ack'), { conversation: { type: 2, id: group }, user_id: a!.userId, msg_id: second }, 'the sender hears of each reader')
  t.equal((await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages[0].status, 'DELIVERED', 'one member still to read')
  const receipt = await send(app, b!.token, { type: 2, targets: [group], content_type: 9, related_mid: second })
  t.equal(receipt.code, 200, 'READ_ACK as a message')
  const items = (await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages
  t.match(items.find((m: { msg_id: number }) => m.msg_id === second), { status: 'READ' }, 'everyone has read it')
  t.same((await unread(app, b!.token)).data.map((c: { num: number }) => c.num), [0])
  await ownerSocket.close()
})

t.test('recall in a group: the sender within the window, admins and the owner at any time', async (t) => {
  let now = Date.now()
  const { app, groups, users: [owner, admin, member] } = await setUp(t, 3, () => now)
  const group = groups.create([owner!.userId, admin!.userId, member!.userId])
  groups.setMember(group, admin!.userId, { role: 'admin' })
  const first = await sendText(app, member!.token, group, 'one', 2)
  const second = await sendText(app, member!.token, group, 'two', 2)
  t.match(await send(app, owner!.token, { type: 2, targets: [group], content_type: 12, related_mid: first, content: 'x' }), { code: 10010 }, 'only the sender replaces')
  now += 10 * 60 * 1000
  t.match(await send(app, member!.token, { type: 2, targets: [group], content_type: 10, related_mid: first }), { code: 10010 }, 'too late for the sender')
  t.match(await send(app, admin!.token, { type: 2, targets: [group], content_type: 10, related_mid: first }), { code: 200 }, 'an admin recalls')
  t.match(await send(app, owner!.token, { type: 2, targets: [group], content_type: 10, related_mid: second }), { code: 200 }, 'the owner recalls')
  const items = (await history(app, member!.token, { opposite_id: group, type: 2 })).data.messages
  t.same(items.map((m: { ctype: string; recalled?: boolean }) => [m.ctype, m.recalled ?? false]), [['RECALL', false], ['RECALL', false], ['TEXT', true], ['TEXT', true]])
})
