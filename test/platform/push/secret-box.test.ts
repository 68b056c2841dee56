// Push credentials at rest: AES-256-GCM round trip, tamper and wrong-key detection, key parsing, masking, and PUSH_SECRET_KEY in config.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createSecretBox, maskSecret, parseSecretKey, secretBoxFromConfig, SecretBoxError } from '../../../src/platform/push/secret-box.ts'
import { ConfigError, loadConfig } from '../../../src/config.ts'

const key = randomBytes(32)

t.test('a sealed secret opens to the same text, and never reads as it', async (t) => {
  const box = createSecretBox(key)
  const secret = '-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49…\n-----END PRIVATE KEY-----\n秘密'
  const sealed = box.seal(secret)
  t.match(sealed, /^v1\.[A-Za-z0-9_-]+$/)
  t.notOk(sealed.includes('PRIVATE'), 'nothing of the plaintext shows')
  t.equal(box.open(sealed), secret)
  t.not(box.seal(secret), sealed, 'a fresh IV each time')
  t.equal(box.open(box.seal('')), '', 'the empty secret too')
})

t.test('an altered text or another key is refused, saying neither which nor what', async (t) => {
  const box = createSecretBox(key)
  const sealed = box.seal('app-secret-123456')
  const raw = Buffer.from(sealed.slice(3), 'base64url')
  for (const index of [0, 12, 28, raw.length - 1]) {
    const altered = Buffer.from(raw)
    altered[index]! ^= 1
    t.throws(
      () => box.open(`v1.${altered.toString('base64url')}`),
      { constructor: SecretBoxError, message: /altered or sealed with another key/ },
      `byte ${index} flipped`,
    )
  }
  t.throws(() => createSecretBox(randomBytes(32)).open(sealed), { constructor: SecretBoxError, message: /altered or sealed with another key/ })
  t.throws(() => box.open('app-secret-123456'), { constructor: SecretBoxError, message: 'not a sealed secret' })
  t.throws(() => box.open('v1.AAAA'), { constructor: SecretBoxError, message: 'not a sealed secret' })
  t.throws(() => createSecretBox(randomBytes(16)), { constructor: SecretBoxError, message: 'the secret key must be 32 bytes' })
})

t.test('the key is 32 bytes in hex or base64', async (t) => {
  t.same(parseSecretKey(key.toString('hex')), key)
  t.same(parseSecretKey(key.toString('base64')), key)
  t.same(parseSecretKey(key.toString('base64url')), key)
  t.same(parseSecretKey(` ${key.toString('hex').toUpperCase()}\n`), key)
  for (const bad of ['', 'secret', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('hex'), 'g'.repeat(64)]) {
    t.equal(parseSecretKey(bad), undefined, JSON.stringify(bad))
  }
})

t.test('maskSecret shows at most the last four characters of a long secret', async (t) => {
  t.equal(maskSecret('abcdefghijklmnopqrstuvwxyz'), '****wxyz')
  t.equal(maskSecret('short-secret'), '****')
  t.equal(maskSecret(''), '')
  t.equal(maskSecret(undefined), '')
})

t.test('PUSH_SECRET_KEY is checked at start-up without echoing it', async (t) => {
  t.equal(loadConfig({ PUSH_SECRET_KEY: key.toString('base64') }).PUSH_SECRET_KEY, key.toString('base64'))
  t.equal(loadConfig({}).PUSH_SECRET_KEY, undefined)
  t.equal(secretBoxFromConfig(loadConfig({})), undefined, 'no key, no box')
  const fromHex = secretBoxFromConfig(loadConfig({ PUSH_SECRET_KEY: key.toString('hex') }))!
  t.equal(
    secretBoxFromConfig(loadConfig({ PUSH_SECRET_KEY: key.toString('base64') }))!.open(fromHex.seal('s3cret')),
    's3cret',
    'hex and base64 of one key are one key',
  )
  const bad = 'not-a-key-but-a-secret-all-the-same'
  t.throws(() => loadConfig({ PUSH_SECRET_KEY: bad }), {
    constructor: ConfigError,
    message: /^invalid environment variable PUSH_SECRET_KEY=\[redacted\]: 32 bytes/,
  })
  try {
    loadConfig({ PUSH_SECRET_KEY: bad })
  } catch (error) {
    t.notOk((error as Error).message.includes(bad), 'the value is not in the message')
  }
})

t.test('push provider URLs have defaults and must be URLs', async (t) => {
  t.match(loadConfig({}), {
    PUSH_TIMEOUT_MS: 10_000,
    PUSH_APNS_URL: 'https://api.push.apple.com',
    PUSH_APNS_SANDBOX_URL: 'https://api.sandbox.push.apple.com',
    PUSH_FCM_URL: 'https://fcm.googleapis.com',
    PUSH_HUAWEI_URL: 'https://push-api.cloud.huawei.com',
    PUSH_HUAWEI_AUTH_URL: 'https://oauth-login.cloud.huawei.com',
    PUSH_XIAOMI_URL: 'https://api.xmpush.xiaomi.com',
    PUSH_OPPO_URL: 'https://api.push.oppomobile.com',
    PUSH_VIVO_URL: 'https://api-push.vivo.com.cn',
    PUSH_MEIZU_URL: 'https://server-api-push.meizu.com',
  })
  t.equal(loadConfig({}).PUSH_FCM_TOKEN_URL, undefined)
  t.equal(loadConfig({ PUSH_FCM_URL: 'http://127.0.0.1:9000' }).PUSH_FCM_URL, 'http://127.0.0.1:9000')
  t.throws(() => loadConfig({ PUSH_APNS_URL: 'api.push.apple.com' }), { constructor: ConfigError, message: /PUSH_APNS_URL/ })
  t.throws(() => loadConfig({ PUSH_TIMEOUT_MS: '10' }), { constructor: ConfigError, message: /PUSH_TIMEOUT_MS/ })
})
