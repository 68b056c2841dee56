// POST /push/notify tasks as the worker delivers them: audience to devices, the 002 §4 message to each provider, counts per channel, strategies.
import t from 'tap'
import { registerUser } from '../helpers/users.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'
import { sendText } from '../helpers/messages.ts'
import { apnsToken, deviceWithToken, eventually, outboxSize, pushRig, type PushRig } from '../helpers/push.ts'

/** What the /push/notify route records: the task and its outbox row (kind 'task'). */
async function queueTask(rig: PushRig, task: { audience: unknown; setting?: object; message: object }): Promise<number> {
  const appId = rig.app.config.DEFAULT_APP_ID
  const row = await rig.db
    .insertInto('push_tasks')
    .values({ app_id: appId, audience: JSON.stringify(task.audience), setting: JSON.stringify(task.setting ?? {}), message: JSON.stringify(task.message) })
    .returning('id')
    .executeTakeFirstOrThrow()
  const taskId = Number(row.id)
  await rig.db.insertInto('push_outbox').values({ app_id: appId, kind: 'task', task_id: taskId }).execute()
  return taskId
}

async function countsOf(rig: PushRig, taskId: number) {
  const rows = await rig.db
    .selectFrom('push_task_counts')
    .select(['channel', 'target', 'sent', 'received'])
    .where('task_id', '=', taskId)
    .orderBy('channel')
    .execute()
  return rows.map((r) => ({
    channel: r.channel,
    target: Number(r.target),
    sent: Number(r.sent),
    ...(r.channel === 'mxpush' ? { received: Number(r.received) } : {}),
  }))
}

t.test('a task reaches its audience through each provider and is counted per channel', async (t) => {
  const rig = await pushRig(t)
  const { app, apns, fcm } = rig
  const bob = await registerUser(app)
  const carol = await registerUser(app)
  const outsider = await registerUser(app)
  const bobPhone = apnsToken()
  await deviceWithToken(app, bob, bobPhone, 'apns')
  await deviceWithToken(app, carol, 'carol-fcm', 'fcm')
  await deviceWithToken(app, outsider, apnsToken(), 'apns')
  const deadPhone = apnsToken()
  await deviceWithToken(app, carol, deadPhone, 'apns')
  apns.unregistered.add(deadPhone)

  const taskId = await queueTask(rig, {
    audience: { user_id: [bob.userId, carol.userId] },
    message: {
      title: 'Sale',
      body: 'Half price today',
      badge: '5',
      ext: { campaign: 'spring', n: 3 },
      ios: { thread_id: 'promo', apns_collapse_id: 'sale-1' },
      fcm: { channel_id: 'promo' },
    },
  })
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the task done')
  t.same(apns.requests.map((r) => r.path.split('/').pop()).sort(), [bobPhone, deadPhone].sort(), 'the audience only')
  const ios = apns.requests.find((r) => r.path.endsWith(bobPhone))!
  t.same(ios.payload.aps, { alert: { title: 'Sale', body: 'Half price today' }, badge: 5, 'thread-id': 'promo' })
  t.match(ios.payload, { campaign: 'spring', n: 3 })
  t.equal(ios.headers['apns-collapse-id'], 'sale-1')
  t.equal(fcm.sends.length, 1)
  t.match(fcm.sends[0]!.body.message, {
    token: 'carol-fcm',
    notification: { title: 'Sale', body: 'Half price today' },
    data: { campaign: 'spring', n: '3' },
    android: { notification: { channel_id: 'promo', notification_count: 5 } },
  })
  t.same(
    await countsOf(rig, taskId),
    [
      { channel: 'apns', target: 2, sent: 1 },
      { channel: 'fcm', target: 1, sent: 1 },
    ],
    'the dead token was targeted, not sent',
  )
  const carolDevices = await rig.db.selectFrom('devices').select('device_token').where('user_id', '=', carol.userId).execute()
  t.notOk(
    carolDevices.some((d) => d.device_token === deadPhone),
    'the dead token is dropped',
  )
})

t.test(
  'strategies: combined sends over the sockets of users online and providers to the others; mxpush_only sockets only; ospush_only providers only',
  async (t) => {
    const rig = await pushRig(t)
    const { app, apns } = rig
    const bob = await registerUser(app)
    const carol = await registerUser(app)
    const dave = await registerUser(app)
    await deviceWithToken(app, bob, apnsToken(), 'apns')
    const carolPhone = apnsToken()
    await deviceWithToken(app, carol, carolPhone, 'apns')
    const url = await listen(app)
    const socket = await openSocket(url, bob.token)
    // Dave is online without a phone, on a socket that never acknowledges: sent, not received.
    const silent = await openSocket(url, dave.token, 'header', { autoPong: false })
    t.teardown(async () => {
      await socket.close()
      await silent.close()
    })

    const combined = await queueTask(rig, { audience: 'all', message: { title: 'A', body: 'a', ext: { k: 1 } } })
    const frame = await socket.next((f) => f.type === 'push' && f.task_id === combined)
    t.same(frame.message, { title: 'A', body: 'a', ext: { k: 1 } }, 'the task as the app gave it')
    await silent.next((f) => f.type === 'push' && f.task_id === combined)
    await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'combined done')
    await eventually(async () => (await countsOf(rig, combined)).some((c) => c.channel === 'mxpush' && c.received === 1), 5000, 'bob acknowledged')
    t.same(
      apns.requests.map((r) => r.path),
      [`/3/device/${carolPhone}`],
      'carol is offline: her phone; bob was reached by socket',
    )
    await pause(300)
    t.same(await countsOf(rig, combined), [
      { channel: 'apns', target: 1, sent: 1 },
      { channel: 'mxpush', target: 2, sent: 2, received: 1 },
    ])

    const mxOnly = await queueTask(rig, {
      audience: { user_id: [bob.userId, carol.userId] },
      setting: { distribution_strategy: 'mxpush_only' },
      message: { body: 'b' },
    })
    await socket.next((f) => f.type === 'push' && f.task_id === mxOnly)
    await eventually(async () => (await countsOf(rig, mxOnly)).some((c) => c.received === 1), 5000, 'mxpush_only acknowledged')
    t.equal(apns.requests.length, 1, 'no provider for mxpush_only')
    t.same(await countsOf(rig, mxOnly), [{ channel: 'mxpush', target: 1, sent: 1, received: 1 }], 'the audience only: dave is not in it')

    const osOnly = await queueTask(rig, { audience: 'all', setting: { distribution_strategy: 'ospush_only' }, message: { body: 'c' } })
    await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the third done')
    await pause(300)
    t.equal(apns.requests.length, 3, 'both phones, bob online or not')
    t.same(await countsOf(rig, osOnly), [{ channel: 'apns', target: 2, sent: 2 }])
    t.notOk(
      socket.frames.some((f) => f.type === 'push' && f.task_id === osOnly),
      'no socket frame for ospush_only',
    )
  },
)

t.test(
  'badge: digits set it, "+N" adds to the user\'s badge on every device, absent adds 1, cmd leaves it; a message sets it to the unread count',
  async (t) => {
    const rig = await pushRig(t)
    const { app, apns, fcm } = rig
    const alice = await registerUser(app)
    const bob = await registerUser(app)
    await deviceWithToken(app, bob, apnsToken(), 'apns')
    const fcmDevice = await deviceWithToken(app, bob, 'bob-fcm', 'fcm')
    t.equal((await app.inject({ method: 'POST', url: '/user/push/badge', headers: { 'access-token': fcmDevice }, payload: { badge: 3 } })).json().code, 200)
    const badges = async (task: object) => {
      const before = { apns: apns.requests.length, fcm: fcm.sends.length }
      await queueTask(rig, { audience: { user_id: [bob.userId] }, setting: { distribution_strategy: 'ospush_only' }, message: task })
      await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the task done')
      const ios = apns.requests.slice(before.apns).map((r) => (r.payload.aps as { badge?: number }).badge)
      const android = fcm.sends
        .slice(before.fcm)
        .map((s) => (s.body.message.android as { notification?: { notification_count?: number } }).notification?.notification_count)
      return [...ios, ...android]
    }
    t.same(await badges({ body: 'plus two', badge: '+2' }), [5, 5], '3 + 2 on both devices')
    t.same(await badges({ body: 'absent' }), [6, 6], 'absent is +1')
    t.same(await badges({ body: 'set', badge: '9' }), [9, 9])
    t.same(await badges({ type: 'cmd', body: 'silent', badge: '+4' }), [undefined, undefined], 'a cmd task shows no badge')
    t.same(await badges({ body: 'plus one', badge: '+1' }), [10, 10], 'and did not change it')

    const before = apns.requests.length
    await sendText(app, alice.token, bob.userId, 'a message')
    await eventually(async () => apns.requests.length > before && (await outboxSize(rig.db)) === 0, 10_000, 'the message push')
    t.equal((apns.requests.at(-1)!.payload.aps as { badge: number }).badge, 1, 'a message: the unread count')
    t.same(await badges({ body: 'after', badge: '+1' }), [2, 2], 'which later tasks add to')
  },
)

t.test('audiences by tag, alias and push token', async (t) => {
  const rig = await pushRig(t)
  const { app, fcm } = rig
  const tagged = await registerUser(app)
  const aliased = await registerUser(app)
  const byToken = await registerUser(app)
  await registerUser(app)
  await deviceWithToken(app, tagged, 'tagged-fcm', 'fcm')
  const aliasDeviceToken = await deviceWithToken(app, aliased, 'aliased-fcm', 'fcm')
  const tokenDeviceToken = await deviceWithToken(app, byToken, 'by-token-fcm', 'fcm')
  t.equal((await app.inject({ method: 'POST', url: '/user/push/tag', headers: { 'access-token': tagged.token }, payload: { tags: ['vip'] } })).json().code, 200)
  t.equal(
    (await app.inject({ method: 'POST', url: '/user/push/alias', headers: { 'access-token': aliasDeviceToken }, payload: { alias: 'the-alias' } })).json().code,
    200,
  )
  const settings = (await app.inject({ method: 'GET', url: '/user/settings', headers: { 'access-token': tokenDeviceToken } })).json().data

  await queueTask(rig, { audience: { tag: ['vip'], alias: ['the-alias'], push_token: [settings.push_token] }, message: { body: 'hi' } })
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the task done')
  t.same(fcm.sends.map((s) => s.body.message.token).sort(), ['aliased-fcm', 'by-token-fcm', 'tagged-fcm'])
})
