// POST /push/notify tasks as the worker delivers them: audience to devices, the 002 §4 message to each provider, counts per channel, strategies.
import t from 'tap'
import { registerUser } from '../helpers/users.ts'
import { listen, openSocket } from '../helpers/sockets.ts'
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
  const rows = await rig.db.selectFrom('push_task_counts').select(['channel', 'target', 'sent']).where('task_id', '=', taskId).orderBy('channel').execute()
  return rows.map((r) => ({ channel: r.channel, target: Number(r.target), sent: Number(r.sent) }))
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

t.test('strategies: combined skips users online, ospush_only does not, mxpush_only sends nothing through providers', async (t) => {
  const rig = await pushRig(t)
  const { app, apns } = rig
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  const socket = await openSocket(await listen(app), bob.token)
  t.teardown(() => socket.close())

  const combined = await queueTask(rig, { audience: 'all', message: { body: 'a' } })
  const mxOnly = await queueTask(rig, { audience: 'all', setting: { distribution_strategy: 'mxpush_only' }, message: { body: 'b' } })
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'both done')
  t.equal(apns.requests.length, 0)
  t.same(await countsOf(rig, combined), [])
  t.same(await countsOf(rig, mxOnly), [])

  const osOnly = await queueTask(rig, { audience: 'all', setting: { distribution_strategy: 'ospush_only' }, message: { body: 'c' } })
  await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'the third done')
  t.equal(apns.requests.length, 1)
  t.same(await countsOf(rig, osOnly), [{ channel: 'apns', target: 1, sent: 1 }])
})

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
