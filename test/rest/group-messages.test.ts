// Group messages over the real groups and roster, through HTTP and sockets: who may send (bans, ban_all), who receives (mute mode 2), who reads what (history_visible), read_ack, group block lists.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { ack, history, send, sendText, unread } from '../helpers/messages.ts'
import { framesOf, listen, openSocket, pause } from '../helpers/sockets.ts'

/** An app whose clock the test can move forward (`clock.skew` ms ahead of the wall clock), and `count` registered users. */
async function setUp(t: { teardown(fn: () => unknown): void }, count: number) {
  const clock = { skew: 0 }
  const app = await buildTestApp(t, { overrides: { now: () => Date.now() + clock.skew } })
  const users: TestUser[] = []
  for (let i = 0; i < count; i++) users.push(await registerUser(app))
  return { app, clock, users, rest: restAs(app) }
}

const contents = (page: { data: { messages: Array<{ content: string }> } }) => page.data.messages.map((m) => m.content)
const unreadOf = async (app: Parameters<typeof unread>[0], token: string, groupId: number) =>
  ((await unread(app, token)).data as Array<{ type: number; conversation_id: { uid: number }; num: number }>)
    .filter((c) => c.type === 2 && c.conversation_id.uid === groupId)
    .map((c) => c.num)

t.test('members send; the message is stored once and every member reads it; outsiders, kicked and dismissed groups are refused', async (t) => {
  const {
    app,
    users: [owner, member, outsider, kicked],
    rest,
  } = await setUp(t, 4)
  const group = await createGroup(app, owner!, {}, [member!, kicked!])
  const msgId = await sendText(app, member!.token, group, 'hi all', 2)
  for (const reader of [owner!, member!, kicked!]) {
    const page = (await history(app, reader.token, { opposite_id: group, type: 2 })).data
    t.match(
      page.messages,
      [{ msg_id: msgId, seq: 1, to_xid: { uid: group }, from_xid: { uid: member!.userId }, content: 'hi all' }],
      `user ${reader.userId} reads it`,
    )
    t.equal(page.messages.length, 1)
  }
  const stored = await app.testDatabase.database.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  t.equal(Number(stored.n), 1, 'one row for the whole group')
  t.match(await send(app, outsider!.token, { type: 2, targets: [group] }), { code: 20002 }, 'a non-member cannot send')
  t.match(await history(app, outsider!.token, { opposite_id: group, type: 2 }), { code: 20002 }, 'nor read')
  t.match(await ack(app, outsider!.token, { msg_id: msgId }), { code: 20002 }, 'nor acknowledge')
  t.same(await unreadOf(app, outsider!.token, group), [], 'nor see it in the list')
  t.match(await send(app, owner!.token, { type: 2, targets: [424242] }), { code: 20001 }, 'no such group')

  t.match(await rest(owner!, 'POST', '/group/kick', { group_id: group, user_list: [kicked!.userId] }), { code: 200, data: [{ result: 'success' }] })
  t.match(await send(app, kicked!.token, { type: 2, targets: [group] }), { code: 20002 }, 'a kicked member cannot send')
  t.match(await history(app, kicked!.token, { opposite_id: group, type: 2 }), { code: 20002 }, 'nor read any more')
  t.same(await unreadOf(app, kicked!.token, group), [], "and the group leaves the kicked member's list")

  t.same(await unreadOf(app, owner!.token, group), [1], 'the owner has one unread before the group is dismissed')
  t.match(await rest(owner!, 'POST', `/group/destroy?group_id=${group}`), { code: 200, data: true })
  t.match(await send(app, owner!.token, { type: 2, targets: [group] }), { code: 20001 }, 'a dismissed group')
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 20001 })
  t.same(await unreadOf(app, owner!.token, group), [], 'a dismissed group leaves the list')
})

t.test('member bans: refused while in force (whatever the role but owner), sent again once expired or lifted; the banned still read and receive', async (t) => {
  const {
    app,
    clock,
    users: [owner, admin, member, other],
    rest,
  } = await setUp(t, 4)
  const url = await listen(app)
  const group = await createGroup(app, owner!, {}, [admin!, member!, other!])
  t.match(await rest(owner!, 'POST', '/group/admin/add', { group_id: group, user_list: [admin!.userId] }), { code: 200, data: [{ result: 'success' }] })

  t.match(await rest(admin!, 'POST', '/group/ban', { group_id: group, user_list: [member!.userId], duration: 2 }), { code: 200, data: [{ result: 'success' }] })
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'muffled' }), { code: 10010, message: /banned/ }, 'a banned member is refused')
  t.match(await send(app, other!.token, { type: 2, targets: [group], content: 'not me' }), { code: 200 }, 'other members are not banned')
  clock.skew += 60_000
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 10010 }, 'still banned after one of two minutes')

  const bannedSocket = await openSocket(url, member!.token)
  const fromAdmin = await sendText(app, admin!.token, group, 'you are banned', 2)
  t.match(await bannedSocket.next((f) => f.type === 'message'), { msg_id: fromAdmin }, 'a banned member still receives')
  t.same(contents(await history(app, member!.token, { opposite_id: group, type: 2 })), ['you are banned', 'not me'], 'and reads; nothing of its own was stored')
  await bannedSocket.close()

  clock.skew += 61_000
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'free again' }), { code: 200 }, 'the ban ran out')

  t.match(await rest(owner!, 'POST', '/group/ban', { group_id: group, user_list: [member!.userId, admin!.userId], duration: 52_560_000 }), {
    code: 200,
    data: [{ result: 'success' }, { result: 'success' }],
  })
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 10010 }, 'banned for a hundred years')
  t.match(await send(app, admin!.token, { type: 2, targets: [group] }), { code: 10010 }, 'the owner bans an admin too')
  t.match(await rest(owner!, 'POST', '/group/unban', { group_id: group, user_list: [member!.userId] }), { code: 200, data: [{ result: 'success' }] })
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'unbanned' }), { code: 200 }, 'an unban lifts it at once')
  t.match(await send(app, admin!.token, { type: 2, targets: [group] }), { code: 10010 }, 'an unban lifts only whom it names')
  t.match(await send(app, owner!.token, { type: 2, targets: [group], content: 'owner' }), { code: 200 }, 'the owner cannot be banned')
  t.same(
    contents(await history(app, owner!.token, { opposite_id: group, type: 2 })),
    ['owner', 'unbanned', 'free again', 'you are banned', 'not me'],
    'only the sends that were let through are stored',
  )

  const notice = await app.inject({
    method: 'POST',
    url: '/message/notify',
    headers: { 'access-token': ADMIN_TOKEN },
    payload: { type: 2, targets: [group], content: 'system' },
  })
  t.match(notice.json(), { code: 200 }, 'notifications ignore bans')
  t.match((await history(app, member!.token, { opposite_id: group, type: 2, limit: 1 })).data.messages, [{ from_xid: { uid: 0 }, content: 'system' }])
})

t.test('ban_all: members are refused, admins and the owner still speak; it ends when it expires or is lifted', async (t) => {
  const {
    app,
    clock,
    users: [owner, admin, member],
    rest,
  } = await setUp(t, 3)
  const group = await createGroup(app, owner!, {}, [admin!, member!])
  t.match(await rest(owner!, 'POST', '/group/admin/add', { group_id: group, user_list: [admin!.userId] }), { code: 200, data: [{ result: 'success' }] })

  const banned = await rest(admin!, 'POST', '/group/settings/ban_all', { group_id: group, duration: 5 })
  t.match(banned, { code: 200 })
  t.ok(
    Math.abs(banned.data.ban_expire_time - (Math.floor(Date.now() / 1000) + 5 * 60)) <= 5,
    `ban_expire_time (${banned.data.ban_expire_time}) is five minutes ahead, in seconds`,
  )
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'muted' }), { code: 20012 }, 'ban_all: members are muted')
  t.match(await send(app, admin!.token, { type: 2, targets: [group], content: 'admin' }), { code: 200 }, 'admins still speak')
  t.match(await send(app, owner!.token, { type: 2, targets: [group], content: 'owner' }), { code: 200 }, 'so does the owner')
  clock.skew += 4 * 60_000
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 20012 }, 'still in force after four of five minutes')
  clock.skew += 2 * 60_000
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'after expiry' }), { code: 200 }, 'a ban_all in the past is over')

  t.match(await rest(owner!, 'POST', '/group/settings/ban_all', { group_id: group, duration: -1 }), { code: 200, data: { ban_expire_time: -1 } })
  // Ten days on: a finite ban_all would be long over (user tokens last thirty days).
  clock.skew += 10 * 24 * 3600_000
  t.match(await send(app, member!.token, { type: 2, targets: [group] }), { code: 20012 }, 'ban_all -1 has no end')
  t.match(await rest(admin!, 'POST', '/group/admin/remove', { group_id: group, user_list: [admin!.userId] }), { code: 20013 }, 'only the owner removes admins')
  t.match(await rest(owner!, 'POST', '/group/admin/remove', { group_id: group, user_list: [admin!.userId] }), { code: 200 })
  t.match(await send(app, admin!.token, { type: 2, targets: [group] }), { code: 20012 }, 'a former admin is a member like the others')
  t.match(await rest(owner!, 'POST', '/group/settings/unban_all', { group_id: group }), { code: 200, data: true })
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'lifted' }), { code: 200 }, 'unban_all lifts it')
  t.same(
    contents(await history(app, member!.token, { opposite_id: group, type: 2 })),
    ['lifted', 'after expiry', 'owner', 'admin'],
    'only what was let through is stored',
  )
})

t.test('msg_mute_mode 2 members receive no frames but may read; modes 0 and 1 get each message once', async (t) => {
  const {
    app,
    users: [owner, loud, quiet, silent],
    rest,
  } = await setUp(t, 4)
  const url = await listen(app)
  const group = await createGroup(app, owner!, {}, [loud!, quiet!, silent!])
  t.match(await rest(quiet!, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 2 }), { code: 200 })
  t.match(await rest(silent!, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 1 }), { code: 200 })
  const sockets = {
    loud: await openSocket(url, loud!.token),
    quiet: await openSocket(url, quiet!.token),
    silent: await openSocket(url, silent!.token),
    owner: await openSocket(url, owner!.token),
  }
  const msgId = await sendText(app, owner!.token, group, 'announcement', 2)
  t.match(await sockets.loud.next((f) => f.type === 'message'), { msg_id: msgId, conversation: { type: 2, id: group }, seq: 1, content: 'announcement' })
  t.match(await sockets.silent.next((f) => f.type === 'message'), { msg_id: msgId }, 'mode 1 mutes only the notification: it receives')
  t.match(await sockets.owner.next((f) => f.type === 'message'), { msg_id: msgId }, "the sender's own sockets too")
  const fromLoud = await sendText(app, loud!.token, group, 'second', 2)
  t.match(await sockets.owner.next((f) => f.type === 'message'), { msg_id: fromLoud })
  await pause(300)
  t.same(framesOf(sockets.quiet, 'message'), [], 'mode 2 does not receive')
  t.same(
    framesOf(sockets.loud, 'message').map((f) => f.msg_id),
    [msgId, fromLoud],
    'each message once',
  )
  t.same(contents(await history(app, quiet!.token, { opposite_id: group, type: 2 })), ['second', 'announcement'], 'but mode 2 may read the history')

  t.match(await rest(quiet!, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 0 }), { code: 200 })
  const third = await sendText(app, owner!.token, group, 'third', 2)
  t.match(await sockets.quiet.next((f) => f.type === 'message'), { msg_id: third }, 'back to mode 0: receives again')
  for (const s of Object.values(sockets)) await s.close()
})

t.test('history_visible: a new member sees only what came after it joined, unless the group shows history', async (t) => {
  const {
    app,
    users: [owner, late, returning],
    rest,
  } = await setUp(t, 3)
  const url = await listen(app)
  const group = await createGroup(app, owner!, {}, [returning!])
  await sendText(app, owner!.token, group, 'before', 2)
  // Join times and send times are milliseconds: keep them apart.
  await pause(30)
  t.match(await rest(owner!, 'POST', '/group/invite', { group_id: group, user_list: [late!.userId] }), { code: 200, data: [{ result: 'success' }] })
  t.match(await rest(returning!, 'POST', `/group/leave?group_id=${group}`), { code: 200 })
  await sendText(app, owner!.token, group, 'while away', 2)
  await pause(30)
  t.match(await rest(owner!, 'POST', '/group/invite', { group_id: group, user_list: [returning!.userId] }), { code: 200, data: [{ result: 'success' }] })
  await pause(30)
  const after = await sendText(app, owner!.token, group, 'after', 2)
  const first = (await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages.at(-1).msg_id

  const seen = (await history(app, late!.token, { opposite_id: group, type: 2 })).data
  t.same(
    seen.messages.map((m: { content: string }) => m.content),
    ['after', 'while away'],
    'the new member sees what came after it joined',
  )
  t.match(seen, { is_last: true, next_msg_id: 0 })
  t.same(
    contents(await history(app, returning!.token, { opposite_id: group, type: 2 })),
    ['after'],
    'a member who left and came back sees from its latest join',
  )
  t.same(contents(await history(app, owner!.token, { opposite_id: group, type: 2 })), ['after', 'while away', 'before'], 'the owner sees everything')
  t.same(await unreadOf(app, late!.token, group), [2], 'unread counts only what may be seen')
  t.same(await unreadOf(app, returning!.token, group), [1])
  t.match(await ack(app, late!.token, { msg_id: first }), { code: 10010 }, 'a message from before one joined cannot be acknowledged')
  const socket = await openSocket(url, late!.token)
  socket.send({ type: 'sync', id: 's1', conversation: { type: 2, id: group } })
  const synced = await socket.next((f) => f.type === 'sync' && f.id === 's1')
  t.same(
    synced.messages.map((m: { content: string }) => m.content),
    ['while away', 'after'],
    'a socket sync shows the same',
  )

  t.match(await rest(late!, 'POST', '/group/settings/history_visible', { group_id: group, value: true }), { code: 20012 }, 'a member cannot change it')
  t.match(await rest(owner!, 'POST', '/group/settings/history_visible', { group_id: group, value: true }), { code: 200, data: true })
  t.same(
    contents(await history(app, late!.token, { opposite_id: group, type: 2 })),
    ['after', 'while away', 'before'],
    'with history_visible the whole history',
  )
  t.same(contents(await history(app, returning!.token, { opposite_id: group, type: 2 })), ['after', 'while away', 'before'])
  t.same(await unreadOf(app, late!.token, group), [3], 'and it all counts as unread')
  socket.send({ type: 'sync', id: 's2', conversation: { type: 2, id: group } })
  t.same(
    (await socket.next((f) => f.type === 'sync' && f.id === 's2')).messages.map((m: { content: string }) => m.content),
    ['before', 'while away', 'after'],
  )
  t.match(await ack(app, late!.token, { msg_id: after }), { code: 200 })
  t.same(await unreadOf(app, late!.token, group), [0])

  t.match(await rest(owner!, 'POST', '/group/settings/history_visible', { group_id: group, value: false }), { code: 200, data: true })
  t.same(contents(await history(app, late!.token, { opposite_id: group, type: 2 })), ['after', 'while away'], 'turned off again: hidden again')
  await socket.close()
})

t.test('read_ack: the sender sees READ once every receiving member has read, and hears of each reader; READ_ACK needs it on', async (t) => {
  const {
    app,
    users: [owner, a, b, quiet],
    rest,
  } = await setUp(t, 4)
  const url = await listen(app)
  const group = await createGroup(app, owner!, {}, [a!, b!, quiet!])
  t.match(await rest(quiet!, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 2 }), { code: 200 })
  const ownerSocket = await openSocket(url, owner!.token)
  const msgId = await sendText(app, owner!.token, group, 'read me', 2)
  t.match(await send(app, a!.token, { type: 2, targets: [group], content_type: 9, related_mid: msgId }), { code: 10002 }, 'READ_ACK needs read_ack')
  t.match(await ack(app, a!.token, { msg_id: msgId, conversation_id: group }), { code: 200 })
  t.match(await ack(app, b!.token, { msg_id: msgId }), { code: 200 })
  const statusOf = async (id: number) =>
    (await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages.find((m: { msg_id: number }) => m.msg_id === id)?.status
  t.equal(await statusOf(msgId), 'DELIVERED', 'read_ack off: never READ, though every member has read it')
  await pause(200)
  t.same(framesOf(ownerSocket, 'ack'), [], 'read_ack off: the sender hears of no reader')

  t.match(await rest(a!, 'POST', '/group/settings/enable_read_ack', { group_id: group, value: true }), { code: 20012 }, 'a member cannot turn it on')
  t.match(await rest(owner!, 'POST', '/group/settings/enable_read_ack', { group_id: group, value: true }), { code: 200, data: true })
  const second = await sendText(app, owner!.token, group, 'and me', 2)
  t.match(await ack(app, a!.token, { msg_id: second }), { code: 200 })
  t.match(
    await ownerSocket.next((f) => f.type === 'ack'),
    { conversation: { type: 2, id: group }, user_id: a!.userId, msg_id: second },
    'the sender hears of each reader',
  )
  t.equal(await statusOf(second), 'DELIVERED', 'one receiving member still to read')
  const receipt = await send(app, b!.token, { type: 2, targets: [group], content_type: 9, related_mid: second })
  t.equal(receipt.code, 200, 'READ_ACK as a message')
  t.match(await ownerSocket.next((f) => f.type === 'ack'), { user_id: b!.userId, msg_id: second })
  const items = (await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages
  t.match(
    items.find((m: { msg_id: number }) => m.msg_id === second),
    { status: 'READ' },
    'everyone who receives has read it: the mode 2 member does not count',
  )
  t.match(
    items.find((m: { msg_id: number }) => m.msg_id === msgId),
    { status: 'READ' },
    'reading up to a message reads what came before',
  )
  t.same(await unreadOf(app, b!.token, group), [0])

  t.match(await rest(quiet!, 'POST', '/group/msg/mute_mode', { group_id: group, msg_mute_mode: 0 }), { code: 200 })
  t.match(
    (await history(app, owner!.token, { opposite_id: group, type: 2 })).data.messages.find((m: { msg_id: number }) => m.msg_id === second),
    { status: 'DELIVERED' },
    'a member who receives again and has not read it keeps it from READ',
  )
  await ownerSocket.close()
})

t.test('group block list: a blocked member leaves the group, cannot send, read or come back until unblocked', async (t) => {
  const {
    app,
    users: [owner, member, blocked],
    rest,
  } = await setUp(t, 3)
  const url = await listen(app)
  const group = await createGroup(app, owner!, {}, [member!, blocked!])
  await sendText(app, blocked!.token, group, 'before the block', 2)
  t.match(await rest(owner!, 'POST', '/group/block', { group_id: group, user_list: [blocked!.userId] }), { code: 200, data: [{ result: 'success' }] })
  const socket = await openSocket(url, blocked!.token)
  const memberSocket = await openSocket(url, member!.token)
  const msgId = await sendText(app, owner!.token, group, 'after the block', 2)
  t.match(await memberSocket.next((f) => f.type === 'message'), { msg_id: msgId })
  await pause(200)
  t.same(framesOf(socket, 'message'), [], 'a blocked user receives nothing')
  t.match(await send(app, blocked!.token, { type: 2, targets: [group], content: 'let me back' }), { code: 20002 }, 'nor sends')
  t.match(await history(app, blocked!.token, { opposite_id: group, type: 2 }), { code: 20002 }, 'nor reads')
  t.match(await rest(blocked!, 'POST', '/group/apply', { group_id: group }), { code: 20018 }, 'nor applies')
  t.match(
    await rest(owner!, 'POST', '/group/invite', { group_id: group, user_list: [blocked!.userId] }),
    { code: 200, data: [{ result: 'fail' }] },
    'nor is invited',
  )
  t.match(await send(app, blocked!.token, { type: 2, targets: [group] }), { code: 20002 }, 'still outside')

  t.match(await rest(owner!, 'POST', '/group/unblock', { group_id: group, user_list: [blocked!.userId] }), { code: 200, data: [{ result: 'success' }] })
  t.match(await rest(owner!, 'POST', '/group/invite', { group_id: group, user_list: [blocked!.userId] }), { code: 200, data: [{ result: 'success' }] })
  t.match(await send(app, blocked!.token, { type: 2, targets: [group], content: 'back' }), { code: 200 }, 'unblocked and invited again: a member who sends')
  for (const s of [socket, memberSocket]) await s.close()
})

t.test("a user's blacklist does not reach into groups: both still talk in a shared group", async (t) => {
  const {
    app,
    users: [owner, member],
    rest,
  } = await setUp(t, 2)
  const group = await createGroup(app, owner!, {}, [member!])
  t.match(await rest(owner!, 'POST', `/roster/block?user_id=${member!.userId}`), { code: 200 })
  t.match(await send(app, member!.token, { targets: [owner!.userId], content: 'direct' }), { code: 10006 }, 'one to one is refused')
  t.match(await send(app, member!.token, { type: 2, targets: [group], content: 'in the group' }), { code: 200 }, 'the group is not')
  t.same(contents(await history(app, owner!.token, { opposite_id: group, type: 2 })), ['in the group'])
})

t.test('recall in a group: the sender within the window, admins and the owner at any time', async (t) => {
  const {
    app,
    clock,
    users: [owner, admin, member],
    rest,
  } = await setUp(t, 3)
  const group = await createGroup(app, owner!, {}, [admin!, member!])
  t.match(await rest(owner!, 'POST', '/group/admin/add', { group_id: group, user_list: [admin!.userId] }), { code: 200 })
  const first = await sendText(app, member!.token, group, 'one', 2)
  const second = await sendText(app, member!.token, group, 'two', 2)
  t.match(
    await send(app, owner!.token, { type: 2, targets: [group], content_type: 12, related_mid: first, content: 'x' }),
    { code: 10010 },
    'only the sender replaces',
  )
  clock.skew += 10 * 60 * 1000
  t.match(await send(app, member!.token, { type: 2, targets: [group], content_type: 10, related_mid: first }), { code: 10010 }, 'too late for the sender')
  t.match(await send(app, admin!.token, { type: 2, targets: [group], content_type: 10, related_mid: first }), { code: 200 }, 'an admin recalls')
  t.match(await send(app, owner!.token, { type: 2, targets: [group], content_type: 10, related_mid: second }), { code: 200 }, 'the owner recalls')
  const items = (await history(app, member!.token, { opposite_id: group, type: 2 })).data.messages
  t.same(
    items.map((m: { ctype: string; recalled?: boolean }) => [m.ctype, m.recalled ?? false]),
    [
      ['RECALL', false],
      ['RECALL', false],
      ['TEXT', true],
      ['TEXT', true],
    ],
  )
})
