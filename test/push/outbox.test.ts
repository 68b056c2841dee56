// The push outbox under failure: dead tokens dropped, retries with backoff (served devices not sent twice), a restart mid-outbox and two workers on one database send each notification once.
import t from 'tap'
import { registerUser } from '../helpers/users.ts'
import { sendText } from '../helpers/messages.ts'
import { pause } from '../helpers/sockets.ts'
import { apnsToken, deviceWithToken, eventually, outboxSize, pushRig } from '../helpers/push.ts'

t.test('a token the provider calls dead is dropped and never sent to again', async (t) => {
  const rig = await pushRig(t)
  const { app, apns, fcm } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const dead = apnsToken()
  await deviceWithToken(app, bob, dead, 'apns')
  await deviceWithToken(app, bob, 'fcm-dead-token', 'fcm')
  await deviceWithToken(app, bob, 'fcm-live-token', 'fcm')
  apns.unregistered.add(dead)
  fcm.unregistered.add('fcm-dead-token')

  await sendText(app, alice.token, bob.userId, 'first')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the first message done')
  t.equal(apns.requests.length, 1, 'APNs answered 410 Unregistered')
  t.equal(fcm.sends.length, 2, 'FCM answered UNREGISTERED for one token')
  const left = await rig.db.selectFrom('devices').select('device_token').where('user_id', '=', bob.userId).orderBy('device_sn').execute()
  t.same(
    left.map((d) => d.device_token),
    ['', '', 'fcm-live-token'],
    'both dead tokens are forgotten',
  )

  await sendText(app, alice.token, bob.userId, 'second')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the second message done')
  t.equal(apns.requests.length, 1, 'nothing more to the dead APNs token')
  t.same(
    fcm.sends.slice(2).map((s) => s.body.message.token),
    ['fcm-live-token'],
  )
})

t.test('a provider asking to retry: the same notification again later, devices already served are not sent twice, and a cap', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_MAX_ATTEMPTS: '3' } })
  const { app, apns, fcm } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  await deviceWithToken(app, bob, 'fcm-token', 'fcm')
  apns.script.push({ status: 503, body: { reason: 'ServiceUnavailable' } })

  const msg = await sendText(app, alice.token, bob.userId, 'try again')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the message done')
  t.equal(apns.requests.length, 2, 'APNs tried twice')
  t.same(
    apns.requests.map((r) => r.headers['apns-collapse-id']),
    [`m${msg}`, `m${msg}`],
    'the same notification',
  )
  t.equal(fcm.sends.length, 1, 'FCM accepted the first time and was not sent to again')

  apns.script.push(...Array.from({ length: 5 }, () => ({ status: 429, body: { reason: 'TooManyRequests' } })))
  await sendText(app, alice.token, bob.userId, 'never accepted')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the message given up')
  t.equal(apns.requests.length, 2 + 3, 'PUSH_MAX_ATTEMPTS attempts, then given up')
})

t.test('a restart mid-outbox: pending rows and rows a dead worker had claimed are each sent once', async (t) => {
  // The rig's own app runs no worker: it is the sender; workers come and go beside it.
  const rig = await pushRig(t, { env: { PUSH_WORKER_INTERVAL_MS: '0' } })
  const { app, apns } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  const ids = [
    await sendText(app, alice.token, bob.userId, 'one'),
    await sendText(app, alice.token, bob.userId, 'two'),
    await sendText(app, alice.token, bob.userId, 'three'),
  ]
  t.equal(await outboxSize(rig.db), 3, 'recorded with the messages, waiting')
  // The first row was claimed by a worker that then died: its lease runs out in a second.
  await rig.db
    .updateTable('push_outbox')
    .set({ due_at: new Date(Date.now() + 1000) })
    .where('message_id', '=', ids[0]!)
    .execute()

  const first = await rig.another({ PUSH_WORKER_INTERVAL_MS: '25', PUSH_WORKER_BATCH: '1' })
  await eventually(() => apns.requests.length >= 1, 10_000, 'the first worker at work')
  await first.close()
  const sentByFirst = apns.requests.length
  t.ok(sentByFirst >= 1 && sentByFirst <= 2, 'stopped after the row in hand')

  await rig.another({ PUSH_WORKER_INTERVAL_MS: '25' })
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the outbox drained by the next worker')
  await pause(100)
  const collapse = apns.requests.map((r) => r.headers['apns-collapse-id']).sort()
  t.same(collapse, ids.map((id) => `m${id}`).sort(), 'each message exactly once')
})

t.test('two workers on one database send each notification once', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_WORKER_INTERVAL_MS: '0', PUSH_WORKER_BATCH: '2' } })
  const { app, apns, fcm } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  await deviceWithToken(app, bob, 'fcm-token', 'fcm')
  const ids: number[] = []
  for (let i = 0; i < 12; i++) ids.push(await sendText(app, alice.token, bob.userId, `message ${i}`))
  await Promise.all([rig.another({ PUSH_WORKER_INTERVAL_MS: '10' }), rig.another({ PUSH_WORKER_INTERVAL_MS: '10' })])
  await eventually(async () => (await outboxSize(rig.db)) === 0, 20_000, 'the outbox drained')
  await pause(200)
  t.same(apns.requests.map((r) => r.headers['apns-collapse-id']).sort(), ids.map((id) => `m${id}`).sort(), 'APNs: each once')
  t.same(
    fcm.sends.map((s) => (s.body.message.android as { notification: { tag: string } }).notification.tag).sort(),
    ids.map((id) => `m${id}`).sort(),
    'FCM: each once',
  )
})
