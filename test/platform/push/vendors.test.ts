// Huawei, Xiaomi, OPPO, vivo and Meizu against local servers: the exact request, the signatures and tokens, and each outcome.
import t from 'tap'
import { createHash } from 'node:crypto'
import { createHuaweiSender } from '../../../src/platform/push/huawei.ts'
import { createXiaomiSender } from '../../../src/platform/push/xiaomi.ts'
import { createOppoSender } from '../../../src/platform/push/oppo.ts'
import { createVivoSender } from '../../../src/platform/push/vivo.ts'
import { createMeizuSender } from '../../../src/platform/push/meizu.ts'
import { createTokenCache } from '../../../src/platform/push/token-cache.ts'
import type { PushNotification } from '../../../src/platform/push/types.ts'
import { formOf } from '../../helpers/push-fakes/server.ts'
import { startFakeHuawei, startFakeMeizu, startFakeOppo, startFakeVivo, startFakeXiaomi, type FakeVendor } from '../../helpers/push-fakes/vendors.ts'

interface Tap {
  teardown(fn: () => unknown): void
}

const start = Date.parse('2026-11-30T00:00:00Z')
const nowSeconds = Math.floor(start / 1000)
const intent = 'intent:#Intent;component=com.example.im/.ChatActivity;S.conv=42;end'
const message: PushNotification = {
  id: 'msg-1001',
  title: 'Alice',
  body: 'Lunch?',
  badge: 3,
  collapse_id: 'conv-42',
  data: { conversation_id: 42, message_id: '1001' },
  show_end_time: nowSeconds + 3600,
  android: { sound: 'default', channel_id: 'chat', click_action: 'intent', intent },
}

function clock() {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

async function withFake(t: Tap, started: Promise<FakeVendor>) {
  const server = await started
  t.teardown(server.close)
  return server
}

t.test('Huawei: OAuth client credentials once, then messages:send', async (t) => {
  const creds = { appId: '104567890', appSecret: 'huawei-app-secret-0123456789' }
  const fake = await withFake(t, startFakeHuawei(creds))
  const c = clock()
  const sender = createHuaweiSender({ url: fake.url, authUrl: fake.url, timeoutMs: 5000, tokens: createTokenCache(c.now), now: c.now })
  t.same(await sender.send({ ...message, huawei: { channel_id: 'hw-chat', badge_class: 'com.example.im.MainActivity' } }, creds, { token: 'hw-token' }), {
    outcome: 'ok',
    status: 200,
    providerMessageId: 'r-1',
  })
  t.same(JSON.parse(fake.sends[0]!.body), {
    validate_only: false,
    message: {
      token: ['hw-token'],
      data: '{"conversation_id":"42","message_id":"1001"}',
      android: {
        urgency: 'HIGH',
        ttl: '3600s',
        bi_tag: 'conv-42',
        notification: {
          click_action: { type: 1, intent },
          title: 'Alice',
          body: 'Lunch?',
          sound: 'default',
          channel_id: 'hw-chat',
          tag: 'conv-42',
          badge: { class: 'com.example.im.MainActivity', set_num: 3 },
        },
      },
    },
  })
  await sender.send({ title: 'Bob' }, creds, { token: 'hw-token' })
  t.equal(fake.auths.length, 1, 'the access token is reused')
  t.same(JSON.parse(fake.sends[1]!.body).message.android.notification, { click_action: { type: 3 }, title: 'Bob', default_sound: true })

  fake.issued.clear()
  t.match(await sender.send({ title: 'x' }, creds, { token: 'hw-token' }), { outcome: 'ok' }, 'an expired token is renewed and the send tried again')
  t.equal(fake.auths.length, 2)
  fake.dead.add('gone')
  t.same(await sender.send({ title: 'x' }, creds, { token: 'gone' }), { outcome: 'dead-token', status: 200, reason: '80300007' })
  fake.script.push(
    { status: 503, headers: { 'retry-after': '10' }, body: {} },
    { status: 200, body: { code: '81000001', msg: 'internal error' } },
    { status: 200, body: { code: '80300008', msg: 'message too big' } },
  )
  t.same(await sender.send({ title: 'x' }, creds, { token: 'hw-token' }), { outcome: 'retry', status: 503, reason: 'HTTP 503', retryAfterSeconds: 10 })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'hw-token' }), { outcome: 'retry', status: 200, reason: '81000001' })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'hw-token' }), { outcome: 'permanent', status: 200, reason: '80300008' })
  t.same(await sender.send({ title: 'x' }, { ...creds, appSecret: 'wrong' }, { token: 'hw-token' }), {
    outcome: 'bad-credentials',
    status: 400,
    reason: 'oauth 1101',
  })
})

t.test('Xiaomi: key= authorization and the regid form', async (t) => {
  const creds = { appSecret: 'xiaomi-app-secret-0123456789', packageName: 'com.example.im' }
  const fake = await withFake(t, startFakeXiaomi(creds))
  const c = clock()
  const sender = createXiaomiSender({ url: fake.url, timeoutMs: 5000, now: c.now })
  t.same(await sender.send({ ...message, show_begin_time: nowSeconds + 600, xiaomi: { channel_id: 'mi-chat' } }, creds, { token: 'mi-regid' }), {
    outcome: 'ok',
    status: 200,
    providerMessageId: 'scm-1',
  })
  t.same(formOf(fake.sends[0]!), {
    registration_id: 'mi-regid',
    restricted_package_name: 'com.example.im',
    pass_through: '0',
    title: 'Alice',
    description: 'Lunch?',
    payload: '{"conversation_id":"42","message_id":"1001"}',
    time_to_live: '3600000',
    time_to_send: String(start + 600_000),
    'extra.sound_uri': 'default',
    'extra.channel_id': 'mi-chat',
    'extra.notify_foreground': '1',
    'extra.notify_effect': '2',
    'extra.intent_uri': intent,
    'extra.conversation_id': '42',
    'extra.message_id': '1001',
    // One notification per conversation (Xiaomi's default notify_id 0 would keep only the latest of all).
    notify_id: String(createHash('sha1').update('conv-42').digest().readUInt32BE(0) % 2_147_483_647),
  })
  fake.dead.add('gone')
  t.same(await sender.send({ title: 'x' }, creds, { token: 'gone' }), { outcome: 'dead-token', status: 200, reason: '20301' })
  t.same(await sender.send({ title: 'x' }, { ...creds, appSecret: 'wrong' }, { token: 'mi-regid' }), {
    outcome: 'bad-credentials',
    status: 200,
    reason: '21301',
  })
  fake.script.push({ status: 429, headers: { 'retry-after': '5' }, body: {} }, { status: 200, body: { result: 'error', code: 10017, reason: 'bad param' } })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'mi-regid' }), { outcome: 'retry', status: 429, reason: 'HTTP 429', retryAfterSeconds: 5 })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'mi-regid' }), { outcome: 'permanent', status: 200, reason: '10017' })
  await sender.send({ type: 'cmd', data: { op: 'sync' } }, creds, { token: 'mi-regid' })
  t.match(formOf(fake.sends.at(-1)!), {
    pass_through: '1',
    title: '',
    description: '',
    payload: '{"op":"sync"}',
    'extra.notify_effect': '1',
    notify_type: '-1',
  })
})

t.test('OPPO: sha256-signed auth once a day, then unicast', async (t) => {
  const creds = { appKey: 'oppo-app-key', masterSecret: 'oppo-master-secret-0123456789' }
  const fake = await withFake(t, startFakeOppo(creds))
  const c = clock()
  const sender = createOppoSender({ url: fake.url, timeoutMs: 5000, tokens: createTokenCache(c.now), now: c.now })
  t.same(await sender.send({ ...message, show_begin_time: nowSeconds + 60, oppo: { channel_id: 'oppo-chat' } }, creds, { token: 'OPPO_CN_abc' }), {
    outcome: 'ok',
    status: 200,
    providerMessageId: 'oppo-1',
  })
  const auth = formOf(fake.auths[0]!)
  t.equal(auth.timestamp, String(start))
  t.equal(auth.sign, createHash('sha256').update(`oppo-app-key${start}oppo-master-secret-0123456789`).digest('hex'))
  t.equal(formOf(fake.sends[0]!).auth_token, 'vendor-token-1', 'auth_token: a parameter of the request')
  t.same(JSON.parse(formOf(fake.sends[0]!).message!), {
    target_type: 2,
    target_value: 'OPPO_CN_abc',
    notification: {
      title: 'Alice',
      content: 'Lunch?',
      off_line: true,
      off_line_ttl: 3600,
      app_message_id: 'msg-1001',
      channel_id: 'oppo-chat',
      click_action_type: 5,
      click_action_url: intent,
      action_parameters: '{"conversation_id":"42","message_id":"1001"}',
      show_time_type: 1,
      show_start_time: (nowSeconds + 60) * 1000,
      show_end_time: (nowSeconds + 3600) * 1000,
    },
  })
  c.advance(22 * 3600_000)
  await sender.send({ title: 'x' }, creds, { token: 'OPPO_CN_abc' })
  t.equal(fake.auths.length, 1, 'the auth_token is reused for 23 hours')
  c.advance(2 * 3600_000)
  await sender.send({ title: 'x' }, creds, { token: 'OPPO_CN_abc' })
  t.equal(fake.auths.length, 2)
  fake.issued.clear()
  t.match(await sender.send({ title: 'x' }, creds, { token: 'OPPO_CN_abc' }), { outcome: 'ok' }, 'code 11: a new auth_token and once more')
  fake.dead.add('gone')
  t.same(await sender.send({ title: 'x' }, creds, { token: 'gone' }), { outcome: 'dead-token', status: 200, reason: '10000' })
  fake.script.push({ status: 200, body: { code: -2, message: 'Service in Flow Control' } })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'OPPO_CN_abc' }), { outcome: 'retry', status: 200, reason: '-2' })
  t.same(await sender.send({ title: 'x' }, { ...creds, masterSecret: 'wrong' }, { token: 'OPPO_CN_abc' }), {
    outcome: 'bad-credentials',
    status: 200,
    reason: 'auth 16',
  })
})

t.test('vivo: md5-signed auth, then send with the authToken header', async (t) => {
  const creds = { appId: '10004', appKey: 'vivo-app-key', appSecret: 'vivo-app-secret-0123456789' }
  const fake = await withFake(t, startFakeVivo(creds))
  const c = clock()
  const sender = createVivoSender({ url: fake.url, timeoutMs: 5000, tokens: createTokenCache(c.now), now: c.now })
  t.same(await sender.send({ ...message, vivo: { classification: 1, push_mode: 1 } }, creds, { token: 'vivo-regid' }), {
    outcome: 'ok',
    status: 200,
    providerMessageId: 'vivo-1',
  })
  t.same(JSON.parse(fake.auths[0]!.body), {
    appId: 10004,
    appKey: 'vivo-app-key',
    timestamp: start,
    sign: createHash('md5').update(`10004vivo-app-key${start}vivo-app-secret-0123456789`).digest('hex'),
  })
  t.equal(fake.sends[0]!.headers.authtoken, 'vendor-token-1')
  t.same(JSON.parse(fake.sends[0]!.body), {
    regId: 'vivo-regid',
    notifyType: 4,
    title: 'Alice',
    content: 'Lunch?',
    timeToLive: 3600,
    skipType: 4,
    skipContent: intent,
    networkType: -1,
    classification: 1,
    pushMode: 1,
    requestId: `msg-1001-${createHash('sha1').update('vivo-regid').digest('hex').slice(0, 16)}`,
    clientCustomMap: { conversation_id: '42', message_id: '1001' },
  })
  await sender.send({ title: 'x' }, creds, { token: 'vivo-regid' })
  t.equal(fake.auths.length, 1)
  fake.issued.clear()
  t.match(await sender.send({ title: 'x' }, creds, { token: 'vivo-regid' }), { outcome: 'ok' }, 'result 10000: a new authToken and once more')
  t.equal(fake.auths.length, 2)
  fake.dead.add('gone')
  t.same(await sender.send({ title: 'x' }, creds, { token: 'gone' }), { outcome: 'dead-token', status: 200, reason: '10302' })
  fake.script.push({ status: 200, body: { result: 10072, desc: '发送速度过快' } })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'vivo-regid' }), { outcome: 'retry', status: 200, reason: '10072' })
  t.same(await sender.send({ title: 'x' }, { ...creds, appSecret: 'wrong' }, { token: 'vivo-regid' }), {
    outcome: 'bad-credentials',
    status: 200,
    reason: 'auth 10201',
  })
})

t.test('Meizu: the signed form and invalid push ids in value', async (t) => {
  const creds = { appId: '110022', appSecret: 'meizu-app-secret-0123456789' }
  const fake = await withFake(t, startFakeMeizu(creds))
  const c = clock()
  const sender = createMeizuSender({ url: fake.url, timeoutMs: 5000, now: c.now })
  t.same(await sender.send({ ...message, big_text: 'Lunch at noon?' }, creds, { token: 'mz-push-id' }), { outcome: 'ok', status: 200 })
  const f = formOf(fake.sends[0]!)
  t.equal(f.appId, '110022')
  t.equal(f.pushIds, 'mz-push-id')
  t.same(JSON.parse(f.messageJson!), {
    noticeBarInfo: { noticeBarType: 0, title: 'Alice', content: 'Lunch?' },
    clickTypeInfo: { clickType: 3, customAttribute: intent, parameters: { conversation_id: '42', message_id: '1001' } },
    pushTimeInfo: { offLine: 1, validTime: 1 },
    advanceInfo: { suspend: 1, clearNoticeBar: 1, notificationType: { vibrate: 1, lights: 1, sound: 1 }, notifyKey: 'conv-42' },
    noticeExpandInfo: { noticeExpandType: 1, noticeExpandContent: 'Lunch at noon?' },
  })
  fake.dead.add('gone')
  t.same(await sender.send({ title: 'x' }, creds, { token: 'gone' }), { outcome: 'dead-token', status: 200, reason: '110003' })
  fake.script.push({ status: 200, body: { code: '200', value: { 'mz-push-id': '110002' } } }, { status: 200, body: { code: '1003', message: '服务器忙' } })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'mz-push-id' }), { outcome: 'dead-token', status: 200, reason: '110002' })
  t.same(await sender.send({ title: 'x' }, creds, { token: 'mz-push-id' }), { outcome: 'retry', status: 200, reason: '1003' })
  t.same(await sender.send({ title: 'x' }, { ...creds, appSecret: 'wrong' }, { token: 'mz-push-id' }), {
    outcome: 'bad-credentials',
    status: 200,
    reason: '1006',
  })
  await fake.close()
  t.equal((await sender.send({ title: 'x' }, creds, { token: 'mz-push-id' })).outcome, 'retry', 'unreachable')
})
