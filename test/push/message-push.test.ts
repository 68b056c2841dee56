// Messages reach offline users' phones through the local APNs and FCM: payload, badge, thread and collapse ids; online users and silent operations get nothing.
import t from 'tap'
import { registerUser } from '../helpers/users.ts'
import { send, sendText } from '../helpers/messages.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'
import { apnsToken, deviceWithToken, eventually, outboxSize, pushRig } from '../helpers/push.ts'

t.test('a message to an offline user reaches APNs and FCM with its text, badge, thread and collapse ids', async (t) => {
  const rig = await pushRig(t)
  const { app, apns, fcm } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const iosToken = apnsToken()
  await deviceWithToken(app, bob, iosToken, 'apns')
  await deviceWithToken(app, bob, 'fcm-registration-token-of-bob', 'fcm')

  const first = await sendText(app, alice.token, bob.userId, 'hello bob')
  await eventually(() => apns.requests.length === 1 && fcm.sends.length === 1, 10_000, 'one APNs and one FCM send')
  const [ios] = apns.requests
  t.equal(ios!.path, `/3/device/${iosToken}`)
  t.equal(ios!.headers['apns-topic'], 'com.example.im')
  t.equal(ios!.headers['apns-push-type'], 'alert')
  t.equal(ios!.headers['apns-collapse-id'], `m${first}`)
  t.same(ios!.payload.aps, { alert: { title: alice.username, body: 'hello bob' }, sound: 'default', badge: 1, 'thread-id': `u${alice.userId}` })
  t.match(ios!.payload, { msg_id: first, type: 1, from: alice.userId, to: bob.userId })
  const android = fcm.sends[0]!.body.message
  t.equal(android.token, 'fcm-registration-token-of-bob')
  t.same(android.notification, { title: alice.username, body: 'hello bob' })
  t.match(android.android, { notification: { notification_count: 1, tag: `m${first}`, sound: 'default' } })
  t.notOk('collapse_key' in (android.android as object), "no collapse key: FCM would keep only four of an offline phone's messages")
  t.same(android.data, { msg_id: String(first), type: '1', from: String(alice.userId), to: String(bob.userId) })

  await sendText(app, alice.token, bob.userId, 'again')
  await eventually(() => apns.requests.length === 2 && fcm.sends.length === 2, 10_000, 'the second message')
  t.equal((apns.requests[1]!.payload.aps as { badge: number }).badge, 2, 'the badge counts what bob has not read')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 5000, 'an empty outbox')
})

t.test('an online user, silent operations and an app without credentials push nothing', async (t) => {
  const rig = await pushRig(t)
  const { app, apns } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const carol = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  await deviceWithToken(app, carol, apnsToken(), 'apns')
  const url = await listen(app)
  const socket = await openSocket(url.replace(/^http/, 'ws'), bob.token)
  t.teardown(() => socket.close())

  await sendText(app, alice.token, bob.userId, 'you are online')
  // Typing and other commands, and a read receipt: nothing to show, nothing recorded.
  t.equal((await send(app, alice.token, { targets: [carol.userId], content_type: 6, content: 'typing' })).code, 200)
  const toAlice = await sendText(app, carol.token, alice.userId, 'hi alice')
  t.equal((await send(app, alice.token, { targets: [carol.userId], content_type: 9, related_mid: toAlice })).code, 200)
  await eventually(async () => (await outboxSize(rig.db)) === 0, 5000, 'an empty outbox')
  await pause(150)
  t.equal(apns.requests.length, 0, 'bob is online, carol got only a command and a receipt, alice has no device')

  await socket.close()
  await pause(100)
  await sendText(app, alice.token, bob.userId, 'you went offline')
  await eventually(() => apns.requests.length === 1, 10_000, 'the push once bob is offline')
  t.match(apns.requests[0]!.payload.aps, { alert: { body: 'you went offline' } })
})

t.test('with no credentials nothing is recorded', async (t) => {
  const rig = await pushRig(t, { credentials: false })
  const alice = await registerUser(rig.app)
  const bob = await registerUser(rig.app)
  await deviceWithToken(rig.app, bob, apnsToken(), 'apns')
  await sendText(rig.app, alice.token, bob.userId, 'nobody hears')
  t.equal(await outboxSize(rig.db), 0, 'no outbox row piles up')
  await pause(100)
  t.equal(rig.apns.requests.length, 0)
})
