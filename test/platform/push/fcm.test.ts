// FCM HTTP v1 against a local Google: the service-account assertion, the cached OAuth token, the message as sent, and each outcome.
import t from 'tap'
import { createFcmSender, fcmCredentialsFromServiceAccount } from '../../../src/platform/push/fcm.ts'
import { createTokenCache } from '../../../src/platform/push/token-cache.ts'
import type { FcmCredentials } from '../../../src/platform/push/types.ts'
import { fcmError, serviceAccountKey, startFakeFcm } from '../../helpers/push-fakes/fcm.ts'

const key = serviceAccountKey()
const credentials: FcmCredentials = { projectId: 'im-gateway-test', clientEmail: 'push@im-gateway-test.iam.gserviceaccount.com', privateKey: key.privateKeyPem }
const token = 'fcm-registration-token-1'

interface Tap {
  teardown(fn: () => unknown): void
}

async function setup(t: Tap) {
  const fcm = await startFakeFcm({ publicKey: key.publicKey, clientEmail: credentials.clientEmail, projectId: credentials.projectId })
  let now = Date.parse('2026-11-30T00:00:00Z')
  const sender = createFcmSender({ url: fcm.url, tokenUrl: fcm.tokenUrl, timeoutMs: 5000, tokens: createTokenCache(() => now), now: () => now })
  t.teardown(fcm.close)
  return {
    fcm,
    sender,
    advance: (ms: number) => {
      now += ms
    },
    now: () => now,
  }
}

t.test('a message notification reaches FCM as a v1 message for Android', async (t) => {
  const { fcm, sender, now } = await setup(t)
  const result = await sender.send(
    {
      title: 'Alice',
      body: 'Lunch?',
      badge: 3,
      collapse_id: 'conv-42',
      data: { conversation_id: 42, message_id: '1001', urgent: true },
      attachment_url: 'https://example.com/p.png',
      show_end_time: Math.floor(now() / 1000) + 600,
      android: { sound: 'default', channel_id: 'chat', click_action: 'intent', intent: 'intent:#Intent;component=com.example/.Main;end' },
      fcm: { channel_id: 'fcm-chat' },
    },
    credentials,
    { token },
  )
  t.same(result, { outcome: 'ok', status: 200, providerMessageId: 'projects/im-gateway-test/messages/0:1' })
  t.equal(fcm.sends[0]!.path, '/v1/projects/im-gateway-test/messages:send')
  t.same(fcm.sends[0]!.body, {
    message: {
      token,
      data: { conversation_id: '42', message_id: '1001', urgent: 'true' },
      notification: { title: 'Alice', body: 'Lunch?', image: 'https://example.com/p.png' },
      android: {
        priority: 'high',
        ttl: '600s',
        notification: {
          sound: 'default',
          channel_id: 'fcm-chat',
          click_action: 'intent:#Intent;component=com.example/.Main;end',
          notification_count: 3,
          tag: 'conv-42',
        },
      },
    },
  })
  t.same(fcm.tokenRequests[0]!.claims, {
    iss: credentials.clientEmail,
    scope: 'https://www.googleapis.com/auth/firebase.messaging',
    aud: fcm.tokenUrl,
    iat: Math.floor(now() / 1000),
    exp: Math.floor(now() / 1000) + 3600,
  })
})

t.test('hidden details and cmd: no body, or data only', async (t) => {
  const { fcm, sender } = await setup(t)
  await sender.send({ title: 'New message' }, credentials, { token })
  t.same(fcm.sends[0]!.body.message.notification, { title: 'New message' })
  await sender.send({ type: 'cmd', title: 't', body: 'b', data: { op: 'sync' } }, credentials, { token })
  t.same(fcm.sends[1]!.body.message, { token, data: { op: 'sync' }, android: { priority: 'high', ttl: '86400s' } })
})

t.test('the OAuth token is fetched once and reused until five minutes before it expires', async (t) => {
  const { fcm, sender, advance } = await setup(t)
  await Promise.all([sender.send({ title: 'a' }, credentials, { token }), sender.send({ title: 'b' }, credentials, { token })])
  advance(54 * 60_000)
  await sender.send({ title: 'c' }, credentials, { token })
  t.equal(fcm.tokenRequests.length, 1, 'one token for all three')
  t.same(
    fcm.sends.map((s) => s.headers.authorization),
    ['Bearer ya29.fake-1', 'Bearer ya29.fake-1', 'Bearer ya29.fake-1'],
  )
  advance(60_000)
  await sender.send({ title: 'd' }, credentials, { token })
  t.equal(fcm.tokenRequests.length, 2)
  t.equal(fcm.sends[3]!.headers.authorization, 'Bearer ya29.fake-2')
})

t.test('a token FCM no longer honours is renewed and the send tried once more', async (t) => {
  const { fcm, sender } = await setup(t)
  await sender.send({ title: 'a' }, credentials, { token })
  fcm.issued.clear()
  t.match(await sender.send({ title: 'b' }, credentials, { token }), { outcome: 'ok' })
  t.equal(fcm.tokenRequests.length, 2)
})

t.test('dead tokens: UNREGISTERED and SENDER_ID_MISMATCH', async (t) => {
  const { fcm, sender } = await setup(t)
  fcm.unregistered.add(token)
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'dead-token', status: 404, reason: 'UNREGISTERED' })
  fcm.script.push(fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH'))
  t.same(await sender.send({ title: 'x' }, credentials, { token: 'other' }), { outcome: 'dead-token', status: 403, reason: 'SENDER_ID_MISMATCH' })
})

t.test('retry on QUOTA_EXCEEDED and UNAVAILABLE, with Retry-After', async (t) => {
  const { fcm, sender } = await setup(t)
  fcm.script.push({ ...fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED'), headers: { 'retry-after': '60' } }, fcmError(503, 'UNAVAILABLE', 'UNAVAILABLE'))
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'retry', status: 429, reason: 'QUOTA_EXCEEDED', retryAfterSeconds: 60 })
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'retry', status: 503, reason: 'UNAVAILABLE', retryAfterSeconds: undefined })
})

t.test('bad credentials: another key, another project, a key that is no key', async (t) => {
  const { fcm, sender } = await setup(t)
  const other = serviceAccountKey()
  t.same(await sender.send({ title: 'x' }, { ...credentials, privateKey: other.privateKeyPem }, { token }), {
    outcome: 'bad-credentials',
    status: 400,
    reason: 'oauth invalid_grant',
  })
  t.same(await sender.send({ title: 'x' }, { ...credentials, projectId: 'someone-else' }, { token }), {
    outcome: 'bad-credentials',
    status: 403,
    reason: 'PERMISSION_DENIED',
  })
  t.same(await sender.send({ title: 'x' }, { ...credentials, privateKey: 'nope', clientEmail: 'x@y' }, { token }), {
    outcome: 'bad-credentials',
    reason: 'the service account key is not a PEM private key',
  })
  t.equal(fcm.sends.length, 0)
})

t.test('a malformed message is permanent; an unreachable FCM means retry', async (t) => {
  const { fcm, sender } = await setup(t)
  fcm.script.push(fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'))
  t.same(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'permanent', status: 400, reason: 'INVALID_ARGUMENT' })
  await fcm.close()
  t.match(await sender.send({ title: 'x' }, credentials, { token }), { outcome: 'retry', reason: /^(ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)$/ })
})

t.test('credentials from the service account key file', async (t) => {
  t.same(
    fcmCredentialsFromServiceAccount(
      JSON.stringify({ type: 'service_account', project_id: 'p', client_email: 'e@p', private_key: 'k', token_uri: 'https://oauth2.example/token' }),
    ),
    { projectId: 'p', clientEmail: 'e@p', privateKey: 'k', tokenUri: 'https://oauth2.example/token' },
  )
  t.equal(fcmCredentialsFromServiceAccount('{"project_id":"p"}'), undefined)
  t.equal(fcmCredentialsFromServiceAccount('not json'), undefined)
})
