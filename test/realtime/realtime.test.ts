// GET /ws through real sockets: auth, message/ack/recall frames once per socket in seq order, sync, ping, kick on revocation, online status.
import t from 'tap'
import { memoryBus, type Bus } from '../../src/platform/bus.ts'
import { MESSAGES_CHANNEL } from '../../src/domain/events.ts'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { ack, send, sendText } from '../helpers/messages.ts'
import { framesOf, listen, openSocket, pause } from '../helpers/sockets.ts'

async function refusal(url: string, token: string): Promise<unknown> {
  try {
    await openSocket(url, token)
  } catch (error) {
    return error
  }
  throw new Error('the socket opened')
}

t.test('handshake: a user token in a header, Authorization or the query; refusals with a status', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const alice = await registerUser(app)
  for (const how of ['header', 'bearer', 'token', 'query'] as const) {
    const socket = await openSocket(url, alice.token, how)
    t.match(socket.frames[0], { type: 'ready', user_id: alice.userId }, `token by ${how}`)
    await socket.close()
  }
  t.match(await refusal(url, ''), { status: 401, body: /"code":10003/ }, 'no token')
  t.match(await refusal(url, 'x'.repeat(43)), { status: 401, body: /"code":402/ }, 'unknown token')
  t.match(await refusal(url, 'bad token!'), { status: 401, body: /"code":10008/ }, 'malformed token')
  t.match(await refusal(url, ADMIN_TOKEN), { status: 403, body: /"code":10010/ }, 'the admin token has no socket')
  const facade = await app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: `Token ${alice.token}` } })
  const viaFacade = await openSocket(url, facade.json().key, 'token')
  t.match(viaFacade.frames[0], { type: 'ready', user_id: alice.userId }, 'the facade token opens a socket as its user')
  await viaFacade.close()
})

t.test('a message reaches every socket of both users once, in seq order, shaped like a history item', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const bobPhone = await openSocket(url, bob.token)
  const bobLaptop = await openSocket(url, bob.token, 'query')
  const alicePhone = await openSocket(url, alice.token)
  const ids: number[] = []
  for (let i = 1; i <= 5; i++) ids.push(await sendText(app, alice.token, bob.userId, `hello ${i}`))
  for (const socket of [bobPhone, bobLaptop, alicePhone]) {
    await socket.next((f) => f.type === 'message' && f.msg_id === ids[4])
    await pause(50)
    const messages = framesOf(socket, 'message')
    t.same(
      messages.map((f) => f.seq),
      [1, 2, 3, 4, 5],
      'each once, in order',
    )
  }
  const frame = framesOf(bobPhone, 'message')[0]!
  t.same(frame, {
    type: 'message',
    conversation: { type: 1, id: alice.userId },
    msg_id: ids[0],
    seq: 1,
    from_xid: { uid: alice.userId, device_sn: 0 },
    to_xid: { uid: bob.userId, device_sn: 0 },
    ctype: 'TEXT',
    content: 'hello 1',
    attachment: '',
    config: '',
    ext: '',
    status: 'DELIVERED',
    timestamp: frame.timestamp,
  })
  t.same(framesOf(alicePhone, 'message')[0]!.conversation, { type: 1, id: bob.userId }, 'the sender sees the conversation by its peer')

  // A frame written to a socket delivers a pair message.
  await pause(400)
  const statuses = (
    await app.inject({ method: 'GET', url: `/message/conversation?opposite_id=${bob.userId}&limit=1`, headers: { 'access-token': alice.token } })
  ).json()
  t.equal(statuses.data.messages[0].status, 'DELIVERED')

  // A read receipt: the sender's sockets and the reader's other sockets hear of it.
  await ack(app, bob.token, { msg_id: ids[2]! })
  const ackFrame = await alicePhone.next((f) => f.type === 'ack')
  t.same(ackFrame, { type: 'ack', conversation: { type: 1, id: bob.userId }, user_id: bob.userId, msg_id: ids[2], seq: 3 })
  t.match(await bobLaptop.next((f) => f.type === 'ack'), { conversation: { type: 1, id: alice.userId }, seq: 3 })

  const recall = await send(app, alice.token, { targets: [bob.userId], content_type: 10, related_mid: ids[4] })
  t.match(await bobPhone.next((f) => f.type === 'recall'), { msg_id: recall.msg_ids[0], seq: 6, related_mid: ids[4], ctype: 'RECALL' })
  for (const s of [bobPhone, bobLaptop, alicePhone]) await s.close()
})

t.test('sync: the conversation list, and everything after a seq in bounded pages; ping; bad frames', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  for (let i = 1; i <= 5; i++) await sendText(app, alice.token, bob.userId, `offline ${i}`)
  const socket = await openSocket(url, bob.token)
  socket.send({ type: 'sync', id: 'list' })
  t.same((await socket.next((f) => f.id === 'list')).conversations, [{ conversation: { type: 1, id: alice.userId }, last_seq: 5, read_seq: 0, unread: 5 }])
  socket.send({ type: 'sync', id: 1, conversation: { type: 1, id: alice.userId }, after_seq: 1, limit: 3 })
  const page = await socket.next((f) => f.id === 1)
  t.same(
    page.messages.map((m: { seq: number; content: string }) => [m.seq, m.content]),
    [
      [2, 'offline 2'],
      [3, 'offline 3'],
      [4, 'offline 4'],
    ],
  )
  t.match(page, { type: 'sync', conversation: { type: 1, id: alice.userId }, last_seq: 5, has_more: true })
  socket.send({ type: 'sync', id: 2, conversation: { type: 1, id: alice.userId }, after_seq: 4 })
  t.match(await socket.next((f) => f.id === 2), { has_more: false, messages: [{ seq: 5 }] })
  // Doorbells continue after what sync handed out.
  await sendText(app, alice.token, bob.userId, 'live')
  t.match(await socket.next((f) => f.type === 'message'), { seq: 6, content: 'live' })

  socket.send({ type: 'ping', id: 'p' })
  t.match(await socket.next((f) => f.type === 'pong'), { id: 'p' })
  socket.send('not json')
  t.match(await socket.next((f) => f.type === 'error'), { code: 10002 })
  socket.send({ type: 'shout' })
  t.match(await socket.next((f) => f.type === 'error'), { code: 10002, message: /ping or sync/ })
  socket.send({ type: 'sync', id: 3, conversation: { type: 1, id: 99999 } })
  t.match(await socket.next((f) => f.id === 3), { type: 'error', code: 10000 })
  socket.send({ type: 'sync', id: 4, conversation: { type: 2, id: 5 } })
  t.match(await socket.next((f) => f.id === 4), { type: 'error', code: 20001 })
  await socket.close()
})

t.test('a lost or late doorbell: the gap is read from the database, frames stay in order and unique', async (t) => {
  // A bus that loses the second and fourth message doorbells.
  const inner = memoryBus()
  let count = 0
  const lossy: Bus = {
    ...inner,
    async publish(channel, message) {
      if (channel === MESSAGES_CHANNEL && [2, 4].includes(++count)) return
      await inner.publish(channel, message)
    },
  }
  const app = await buildTestApp(t, { overrides: { bus: lossy } })
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const socket = await openSocket(url, bob.token)
  for (let i = 1; i <= 5; i++) await sendText(app, alice.token, bob.userId, `m${i}`)
  await socket.next((f) => f.seq === 5)
  await pause(50)
  t.same(
    framesOf(socket, 'message').map((f) => [f.seq, f.content]),
    [
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
      [4, 'm4'],
      [5, 'm5'],
    ],
  )
  await socket.close()
})

t.test('revoking a token kicks its sockets at once; other tokens stay; online status follows sockets', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const alice = await registerUser(app)
  const other = await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password } })
  const secondToken = other.json().data.token
  const online = async () => (await app.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': secondToken } })).json()
  t.same(await online(), { code: 200, message: null, data: { online: false } })
  const first = await openSocket(url, alice.token)
  const second = await openSocket(url, secondToken)
  t.same((await online()).data, { online: true })

  const started = Date.now()
  await app.inject({ method: 'POST', url: '/user/user!signOut', headers: { uid: String(alice.userId), accessToken: alice.token } })
  t.match(await first.next((f) => f.type === 'kick'), { reason: /revoked/ })
  t.match(await first.closed, { code: 4001 })
  t.ok(Date.now() - started < 1000, 'within a second')
  await pause(100)
  t.equal(second.ws.readyState, 1, 'the other token keeps its socket')
  t.same((await online()).data, { online: true })
  await second.close()
  await pause(100)
  t.same((await online()).data, { online: false }, 'no socket left')
  const admin = await app.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': ADMIN_TOKEN, user_id: String(alice.userId) } })
  t.match(admin.json(), { code: 200, data: { online: false } }, 'the admin asks about a user')
})

t.test('password change and disable close every socket of the user', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const alice = await registerUser(app)
  const socket = await openSocket(url, alice.token)
  const changed = await app.inject({
    method: 'POST',
    url: '/user/change_password',
    headers: { 'access-token': alice.token },
    payload: { old_password: alice.password, new_password: 'another-pw' },
  })
  t.match(changed.json(), { code: 200 })
  t.match(await socket.next((f) => f.type === 'kick'), { type: 'kick' }, 'password change')

  const login = await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: 'another-pw' } })
  const again = await openSocket(url, login.json().data.token)
  const disabled = await app.inject({ method: 'PUT', url: '/user/disable', headers: { 'access-token': ADMIN_TOKEN }, payload: { list: [alice.userId] } })
  t.match(disabled.json(), { code: 200 })
  t.match(await again.next((f) => f.type === 'kick'), { type: 'kick' }, 'disable')
  t.match(await again.closed, { code: 4001 })
})

t.test("kicking a device (/user/kick) and removing it close that device's sockets only", async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const alice = await registerUser(app)
  const loginOn = async (device: string) =>
    (await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password, device_guid: device } })).json().data
      .token as string
  const phone = await openSocket(url, await loginOn('phone'))
  const tablet = await openSocket(url, await loginOn('tablet'))
  const devices = (await app.inject({ method: 'GET', url: '/user/device/list', headers: { 'access-token': alice.token } })).json().data as Array<{
    device_sn: number
  }>
  const kicked = await app.inject({ method: 'POST', url: `/user/kick?device_sn=${devices[0]!.device_sn}`, headers: { 'access-token': alice.token } })
  t.match(kicked.json(), { code: 200 })
  t.match(await phone.next((f) => f.type === 'kick'), { type: 'kick' }, 'the kicked device is told')
  t.match(await phone.closed, { code: 4001 })
  await pause(200)
  t.same(framesOf(tablet, 'kick'), [], 'the other device stays')
  const removed = await app.inject({ method: 'POST', url: `/user/device/remove?device_sn=${devices[1]!.device_sn}`, headers: { 'access-token': alice.token } })
  t.match(removed.json(), { code: 200 })
  t.match(await tablet.next((f) => f.type === 'kick'), { type: 'kick' }, 'a removed device is signed out')
})
