// Web Push against a local push service that checks VAPID and decrypts the payload as a browser would; each outcome.
import t from 'tap'
import webpush from 'web-push'
import { createWebPushSender } from '../../../src/platform/push/webpush.ts'
import { startFakeWebPush } from '../../helpers/push-fakes/webpush.ts'

const vapid = webpush.generateVAPIDKeys()
const credentials = { subject: 'mailto:push@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey }

interface Tap {
  teardown(fn: () => unknown): void
}

async function setup(t: Tap) {
  const service = await startFakeWebPush({ publicKey: vapid.publicKey, subject: credentials.subject })
  t.teardown(service.close)
  return { service, sender: createWebPushSender({ timeoutMs: 5000, now: Date.now }) }
}

t.test('the browser receives the encrypted notification, signed with VAPID', async (t) => {
  const { service, sender } = await setup(t)
  const { subscription, endpoint } = service.subscribe()
  const result = await sender.send(
    {
      title: 'Alice',
      body: 'Lunch?',
      badge: 3,
      collapse_id: 'conv-42',
      data: { conversation_id: 42, message_id: '1001' },
      show_end_time: Math.floor(Date.now() / 1000) + 600,
    },
    credentials,
    { token: subscription },
  )
  t.same(result, { outcome: 'ok', status: 201, providerMessageId: `${service.url}/message/1` })
  const delivery = service.deliveries[0]!
  t.same(delivery.payload, { type: 'text', title: 'Alice', body: 'Lunch?', badge: 3, tag: 'conv-42', data: { conversation_id: 42, message_id: '1001' } })
  t.equal(`${service.url}${delivery.request.path}`, endpoint)
  t.match(delivery.request.headers, { 'content-encoding': 'aes128gcm', urgency: 'high', topic: 'conv-42' })
  t.ok(Number(delivery.request.headers.ttl) >= 599 && Number(delivery.request.headers.ttl) <= 600, 'TTL until show_end_time')
  t.match(delivery.claims, { aud: service.url, sub: 'mailto:push@example.com', exp: Number })
})

t.test('hidden details send no body; a long collapse id is left out of Topic', async (t) => {
  const { service, sender } = await setup(t)
  const { subscription } = service.subscribe()
  await sender.send({ title: 'New message', collapse_id: 'x'.repeat(40) }, credentials, { token: subscription })
  t.same(service.deliveries[0]!.payload, { type: 'text', title: 'New message', tag: 'x'.repeat(40) })
  t.equal(service.deliveries[0]!.request.headers.topic, undefined)
})

t.test('outcomes: gone, unknown, throttled, refused VAPID, not a subscription', async (t) => {
  const { service, sender } = await setup(t)
  const { subscription, endpoint } = service.subscribe()
  service.gone.add(endpoint)
  t.same(await sender.send({ title: 'x' }, credentials, { token: subscription }), { outcome: 'dead-token', status: 410, reason: 'HTTP 410' })
  const unknown = JSON.stringify({ ...JSON.parse(subscription), endpoint: `${service.url}/push/unknown` })
  t.same(await sender.send({ title: 'x' }, credentials, { token: unknown }), { outcome: 'dead-token', status: 404, reason: 'HTTP 404' })
  const live = service.subscribe().subscription
  service.script.push({ status: 429, headers: { 'retry-after': '120' } }, { status: 413 })
  t.same(await sender.send({ title: 'x' }, credentials, { token: live }), { outcome: 'retry', status: 429, reason: 'HTTP 429', retryAfterSeconds: 120 })
  t.same(await sender.send({ title: 'x' }, credentials, { token: live }), { outcome: 'permanent', status: 413, reason: 'HTTP 413' })
  const other = webpush.generateVAPIDKeys()
  t.same(await sender.send({ title: 'x' }, { ...credentials, ...other }, { token: live }), { outcome: 'bad-credentials', status: 401, reason: 'HTTP 401' })
  t.same(await sender.send({ title: 'x' }, { ...credentials, subject: 'not a contact' }, { token: live }), {
    outcome: 'bad-credentials',
    reason: 'VAPID details refused',
  })
  t.same(await sender.send({ title: 'x' }, credentials, { token: 'a-fcm-token-not-a-subscription' }), {
    outcome: 'dead-token',
    reason: 'not a push subscription',
  })
  t.equal(service.deliveries.length, 0)
})
