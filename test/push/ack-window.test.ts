// combined: a recipient whose socket acknowledges (answers the ping after the frame) in the window gets no push; one whose socket is open but silent is pushed once the window closes, in pairs and groups.
import t from 'tap'
import { registerUser } from '../helpers/users.ts'
import { sendText } from '../helpers/messages.ts'
import { createGroup } from '../helpers/groups.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'
import { apnsToken, deviceWithToken, eventually, outboxSize, pushRig } from '../helpers/push.ts'
import * as xsync from '../helpers/xsync.ts'

t.test('a live socket that acknowledges is reached; one that does not is pushed after PUSH_ACK_WINDOW_MS', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_ACK_WINDOW_MS: '1500' } })
  const { app, apns } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const carol = await registerUser(app)
  const bobToken = apnsToken()
  const carolToken = apnsToken()
  await deviceWithToken(app, bob, bobToken, 'apns')
  await deviceWithToken(app, carol, carolToken, 'apns')
  const url = await listen(app)
  const awake = await openSocket(url, bob.token)
  // Carol's phone suspended the app: the connection is open, nothing reads it, pings go unanswered.
  const asleep = await openSocket(url, carol.token, 'header', { autoPong: false })
  t.teardown(async () => {
    await awake.close()
    await asleep.close()
  })

  const started = Date.now()
  await sendText(app, alice.token, bob.userId, 'to the awake one')
  const toCarol = await sendText(app, alice.token, carol.userId, 'to the asleep one')
  await awake.next((f) => f.type === 'message')
  await asleep.next((f) => f.type === 'message')
  await pause(800)
  t.equal(apns.requests.length, 0, 'nobody is pushed to within the window')
  await eventually(() => apns.requests.length >= 1, 10_000, 'the push to carol')
  t.ok(Date.now() - started >= 1400, 'not before the window closed')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
  await pause(100)
  t.equal(apns.requests.length, 1, 'only carol')
  t.equal(apns.requests[0]!.path, `/3/device/${carolToken}`)
  t.equal(apns.requests[0]!.headers['apns-collapse-id'], `m${toCarol}`)
})

t.test('group members: acknowledging sockets are reached, a silent socket and an offline member are pushed, each once', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_ACK_WINDOW_MS: '1000' } })
  const { app, apns } = rig
  const owner = await registerUser(app)
  const awake = await registerUser(app)
  const asleep = await registerUser(app)
  const away = await registerUser(app)
  const tokens = new Map<number, string>()
  for (const user of [awake, asleep, away]) {
    const token = apnsToken()
    tokens.set(user.userId, token)
    await deviceWithToken(app, user, token, 'apns')
  }
  const groupId = await createGroup(app, owner, {}, [awake, asleep, away])
  const url = await listen(app)
  const awakeSocket = await openSocket(url, awake.token)
  const asleepSocket = await openSocket(url, asleep.token, 'header', { autoPong: false })
  t.teardown(async () => {
    await awakeSocket.close()
    await asleepSocket.close()
  })

  const msg = await sendText(app, owner.token, groupId, 'hello group', 2)
  await eventually(() => apns.requests.length >= 1, 10_000, 'the offline member at once')
  t.same(
    apns.requests.map((r) => r.path),
    [`/3/device/${tokens.get(away.userId)}`],
    'the offline member is not kept waiting',
  )
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
  await pause(100)
  t.same(
    apns.requests.map((r) => r.path).sort(),
    [`/3/device/${tokens.get(away.userId)}`, `/3/device/${tokens.get(asleep.userId)}`].sort(),
    'the silent socket pushed after the window, the acknowledging one not at all',
  )
  t.ok(
    apns.requests.every((r) => r.headers['apns-collapse-id'] === `m${msg}`),
    'the same message',
  )
})

t.test('PUSH_ACK_WINDOW_MS=0: a live socket counts as reached', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_ACK_WINDOW_MS: '0' } })
  const { app, apns } = rig
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  const url = await listen(app)
  const asleep = await openSocket(url, bob.token, 'header', { autoPong: false })
  t.teardown(() => asleep.close())
  await sendText(app, alice.token, bob.userId, 'no waiting')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
  await pause(200)
  t.equal(apns.requests.length, 0)
})

t.test('xsync group members: a device that pulled the message is reached, one that never pulls is pushed after the window', async (t) => {
  const rig = await pushRig(t, { env: { PUSH_ACK_WINDOW_MS: '1000' } })
  const { app, apns } = rig
  const owner = await registerUser(app)
  const puller = await registerUser(app)
  const idle = await registerUser(app)
  const tokens = new Map<number, string>()
  for (const user of [puller, idle]) {
    const token = apnsToken()
    tokens.set(user.userId, token)
    await deviceWithToken(app, user, token, 'apns')
  }
  const groupId = await createGroup(app, owner, {}, [puller, idle])
  const base = (await listen(app)).replace(/^ws/, 'http')
  const pulling = await xsync.connectWebSocket(base)
  const silent = await xsync.connectWebSocket(base)
  t.teardown(() => {
    pulling.close()
    silent.close()
  })
  t.match(await xsync.login(pulling, puller.userId, puller.token), { status: { code: 'OK' } })
  t.match(await xsync.login(silent, idle.userId, idle.token), { status: { code: 'OK' } })

  const msg = await sendText(app, owner.token, groupId, 'hello xsync', 2)
  await pulling.next((f) => f.command === 'NOTICE' && f.body.uid === groupId)
  t.match((await xsync.pull(pulling, groupId)).metas, [{ id: msg }], 'the device pulls the message')
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
  await pause(100)
  t.same(
    apns.requests.map((r) => r.path),
    [`/3/device/${tokens.get(idle.userId)}`],
    'only the member whose device never pulled is pushed',
  )
})
