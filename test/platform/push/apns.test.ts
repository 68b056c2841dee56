// APNs over HTTP/2 against a local TLS server: the exact request, the ES256 provider token and its reuse, and each outcome.
import t from 'tap'
import { createApnsSender } from '../../../src/platform/push/apns.ts'
import { createTokenCache } from '../../../src/platform/push/token-cache.ts'
import type { ApnsCredentials } from '../../../src/platform/push/types.ts'
import { apnsKey, startFakeApns } from '../../helpers/push-fakes/apns.ts'

const key = apnsKey()
const credentials: ApnsCredentials = {
  privateKey: key.privateKeyPem,
  keyId: 'ABC123DEFG',
  teamId: 'TEAM123456',
  topic: 'com.example.im',
  environment: 'production',
}
const token = 'a'.repeat(64)

interface Tap {
  teardown(fn: () => unknown): void
}

async function setup(t: Tap) {
  const production = await startFakeApns({ publicKey: key.publicKey, keyId: credentials.keyId, teamId: credentials.teamId, topic: credentials.topic })
  const sandbox = await startFakeApns({ publicKey: key.publicKey, keyId: credentials.keyId, teamId: credentials.teamId, topic: credentials.topic })
  let now = Date.parse('2026-11-30T00:00:00Z')
  const clock = {
    advance: (ms: number) => {
      now += ms
    },
  }
  const sender = createApnsSender({
    productionUrl: production.url,
    sandboxUrl: sandbox.url,
    timeoutMs: 5000,
    tokens: createTokenCache(() => now),
    now: () => now,
    ca: [production.ca, sandbox.ca],
  })
  t.teardown(async () => {
    sender.close()
    await production.close()
    await sandbox.close()
  })
  return { production, sandbox, sender, clock, now: () => now }
}

t.test('a message notification reaches APNs with the headers and payload Apple documents', async (t) => {
  const { production, sender, now } = await setup(t)
  const result = await sender.send(
    {
      id: '7c1e3f64-5a0b-4f1e-9c1d-2b3a4c5d6e7f',
      title: 'Alice',
      body: 'Lunch?',
      badge: 3,
      sound: 'default',
      collapse_id: 'conv-42',
      thread_id: 'conv-42',
      data: { conversation_id: 42, message_id: '1001' },
      show_end_time: Math.floor(now() / 1000) + 3600,
      ios: { subtitle: 'Team chat', category: 'MESSAGE' },
    },
    credentials,
    { token },
  )
  t.same(result, { outcome: 'ok', status: 200, providerMessageId: '7c1e3f64-5a0b-4f1e-9c1d-2b3a4c5d6e7f' })
  t.equal(production.requests.length, 1)
  const request = production.requests[0]!
  t.equal(request.path, `/3/device/${token}`)
  t.match(request.headers, {
    'apns-topic': 'com.example.im',
    'apns-push-type': 'alert',
    'apns-priority': '10',
    'apns-collapse-id': 'conv-42',
    'apns-expiration': String(Math.floor(now() / 1000) + 3600),
    'apns-id': '7c1e3f64-5a0b-4f1e-9c1d-2b3a4c5d6e7f',
  })
  t.same(request.payload, {
    conversation_id: 42,
    message_id: '1001',
    aps: { alert: { title: 'Alice', subtitle: 'Team chat', body: 'Lunch?' }, sound: 'default', badge: 3, 'thread-id': 'conv-42', category: 'MESSAGE' },
  })
  t.same(request.jwt.header, { alg: 'ES256', typ: 'JWT', kid: 'ABC123DEFG' })
  t.same(request.jwt.claims, { iss: 'TEAM123456', iat: Math.floor(now() / 1000) })
})

t.test('hidden details send no body; cmd goes as a background push at priority 5; iOS options win', async (t) => {
  const { production, sender, now } = await setup(t)
  await sender.send(
    {
      title: 'New message',
      badge: 1,
      collapse_id: 'c',
      ios: { apns_collapse_id: 'ios-collapse', thread_id: 'ios-thread', sound: 'ping.caf', mutable_content: true },
    },
    credentials,
    { token },
  )
  t.same(production.requests[0]!.payload, {
    aps: { alert: { title: 'New message' }, sound: 'ping.caf', badge: 1, 'thread-id': 'ios-thread', 'mutable-content': 1 },
  })
  t.equal(production.requests[0]!.headers['apns-collapse-id'], 'ios-collapse')
  t.equal(production.requests[0]!.headers['apns-expiration'], String(Math.floor(now() / 1000) + 86_400), 'no end time: kept a day for a device that is off')
  await sender.send({ type: 'cmd', title: 'ignored', body: 'ignored', data: { op: 'sync' } }, credentials, { token })
  t.match(production.requests[1]!.headers, { 'apns-push-type': 'background', 'apns-priority': '5' })
  t.same(production.requests[1]!.payload, { op: 'sync', aps: { 'content-available': 1 } })
})

t.test('the provider token is reused for 50 minutes, then signed anew', async (t) => {
  const { production, sender, clock } = await setup(t)
  await sender.send({ title: 'a' }, credentials, { token })
  clock.advance(49 * 60_000)
  await sender.send({ title: 'b' }, credentials, { token })
  clock.advance(2 * 60_000)
  await sender.send({ title: 'c' }, credentials, { token })
  const [first, second, third] = production.requests.map((r) => r.headers.authorization)
  t.equal(first, second, 'same token within 50 minutes')
  t.not(third, second, 'a new token after 50 minutes')
  t.equal(production.requests[2]!.jwt.claims.iat, (production.requests[0]!.jwt.claims.iat as number) + 51 * 60)
})

t.test('concurrent sends share one HTTP/2 connection', async (t) => {
  const { production, sender } = await setup(t)
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sender.send({ title: `m${i}` }, credentials, { token })))
  t.same(
    results.map((r) => r.outcome),
    Array(8).fill('ok'),
  )
  t.equal(production.requests.length, 8)
  t.equal(production.connections(), 1)
})

t.test('development credentials go to the sandbox', async (t) => {
  const { production, sandbox, sender } = await setup(t)
  t.equal((await sender.send({ title: 'dev' }, { ...credentials, environment: 'development' }, { token })).outcome, 'ok')
  t.equal(sandbox.requests.length, 1)
  t.equal(production.requests.length, 0)
})

t.test('dead tokens: 410 Unregistered and 400 BadDeviceToken', async (t) => {
  const { production, sender } = await setup(t)
  production.unregistered.add(token)
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'dead-token', status: 410, reason: 'Unregistered' })
  t.same(await sender.send({ title: 'x' }, credentials, { token: 'not-a-device-token' }), { outcome: 'dead-token', status: 400, reason: 'BadDeviceToken' })
  production.script.push({ status: 400, body: { reason: 'DeviceTokenNotForTopic' } })
  t.match(await sender.send({ title: 'x' }, credentials, { token: 'b'.repeat(64) }), { outcome: 'dead-token', reason: 'DeviceTokenNotForTopic' })
})

t.test('retry on 429 and 5xx, with Retry-After', async (t) => {
  const { production, sender } = await setup(t)
  production.script.push(
    { status: 429, headers: { 'retry-after': '30' }, body: { reason: 'TooManyRequests' } },
    { status: 503, body: { reason: 'ServiceUnavailable' } },
  )
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'retry', status: 429, reason: 'TooManyRequests', retryAfterSeconds: 30 })
  t.same(await sender.send({ title: 'x' }, credentials, { token }), {
    outcome: 'retry',
    status: 503,
    reason: 'ServiceUnavailable',
    retryAfterSeconds: undefined,
  })
})

t.test('bad credentials: another key, a key that is no key, a topic not allowed', async (t) => {
  const { production, sender } = await setup(t)
  const other = apnsKey()
  t.same(await sender.send({ title: 'x' }, { ...credentials, privateKey: other.privateKeyPem }, { token }), {
    outcome: 'bad-credentials',
    status: 403,
    reason: 'InvalidProviderToken',
  })
  t.same(await sender.send({ title: 'x' }, { ...credentials, keyId: 'OTHERKEY00' }, { token }), {
    outcome: 'bad-credentials',
    status: 403,
    reason: 'InvalidProviderToken',
  })
  t.same(await sender.send({ title: 'x' }, { ...credentials, privateKey: 'not a key' }, { token }), {
    outcome: 'bad-credentials',
    reason: 'the APNs signing key is not a PEM private key',
  })
  t.same(await sender.send({ title: 'x' }, { ...credentials, topic: 'com.other.app' }, { token }), {
    outcome: 'bad-credentials',
    status: 400,
    reason: 'TopicDisallowed',
  })
  t.equal(production.requests.length, 0, 'APNs accepted none of them')
})

t.test('an expired provider token is signed anew and the send tried once more', async (t) => {
  const { production, sender } = await setup(t)
  production.script.push({ status: 403, body: { reason: 'ExpiredProviderToken' } })
  t.match(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'ok' })
  t.equal(production.requests.length, 2)
  production.script.push({ status: 403, body: { reason: 'ExpiredProviderToken' } }, { status: 403, body: { reason: 'ExpiredProviderToken' } })
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'retry', status: 403, reason: 'ExpiredProviderToken' })
})

t.test('a refused notification is permanent; an unreachable APNs means retry', async (t) => {
  const { production, sender } = await setup(t)
  t.same(await sender.send({ title: 'x'.repeat(5000) }, credentials, { token }), { outcome: 'permanent', status: 413, reason: 'PayloadTooLarge' })
  await production.close()
  const result = await sender.send({ title: 'x' }, credentials, { token })
  t.equal(result.outcome, 'retry')
})
