// A push rig for tests: local APNs and FCM, an app (or several on one database) whose worker sends to them, credentials sealed in push_credentials.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openPostgres, type Db } from '../../src/platform/db.ts'
import { createPushProviders } from '../../src/platform/push/providers.ts'
import { createSecretBox } from '../../src/platform/push/secret-box.ts'
import { buildTestApp, testConfig, type TestApp } from './app.ts'
import { apnsKey, startFakeApns, type FakeApns } from './push-fakes/apns.ts'
import { serviceAccountKey, startFakeFcm, type FakeFcm } from './push-fakes/fcm.ts'
import type { TestUser } from './users.ts'

interface Tap {
  teardown(fn: () => unknown): void
}

export const APNS = { keyId: 'KEY1234567', teamId: 'TEAM123456', topic: 'com.example.im' }
export const FCM = { projectId: 'im-test', clientEmail: 'push@im-test.iam.gserviceaccount.com' }

export interface PushRig {
  app: TestApp
  apns: FakeApns
  fcm: FakeFcm
  db: Db
  /** The settings every app of the rig runs with. */
  env: Record<string, string>
  /** Seals and stores the app's APNs and FCM credentials. */
  addCredentials(): Promise<void>
  /** Another app on the same database (its own worker and provider clients); `env` adds settings. */
  another(env?: Record<string, string>): Promise<FastifyInstance>
}

export async function pushRig(t: Tap, options: { env?: Record<string, string>; credentials?: boolean } = {}): Promise<PushRig> {
  const apnsKeys = apnsKey()
  const fcmKeys = serviceAccountKey()
  const apns = await startFakeApns({ publicKey: apnsKeys.publicKey, ...APNS })
  const fcm = await startFakeFcm({ publicKey: fcmKeys.publicKey, ...FCM })
  t.teardown(async () => {
    await apns.close()
    await fcm.close()
  })
  const secretKey = randomBytes(32)
  const env = {
    RATE_LIMIT_PER_MINUTE: '0',
    PUSH_SECRET_KEY: secretKey.toString('hex'),
    PUSH_APNS_URL: apns.url,
    PUSH_APNS_SANDBOX_URL: apns.url,
    PUSH_FCM_URL: fcm.url,
    PUSH_FCM_TOKEN_URL: fcm.tokenUrl,
    PUSH_WORKER_INTERVAL_MS: '25',
    PUSH_RETRY_BASE_MS: '50',
    PUSH_RETRY_MAX_MS: '200',
    PUSH_ACK_WINDOW_MS: '600',
    ...options.env,
  }
  const providers = () => {
    const made = createPushProviders(testConfig(env), { apnsCa: apns.ca })
    t.teardown(() => made.close())
    return made
  }
  const app = await buildTestApp(t, { env, overrides: { pushProviders: providers() } })
  const db = app.testDatabase.database.db
  const box = createSecretBox(secretKey)
  const appId = app.config.DEFAULT_APP_ID
  const rig: PushRig = {
    app,
    apns,
    fcm,
    db,
    env,
    async addCredentials() {
      await db
        .insertInto('push_credentials')
        .values([
          {
            app_id: appId,
            provider: 1,
            environment: 0,
            // As POST /push/certificate stores them: the wire's field names, the secret ones sealed.
            settings: JSON.stringify({ key_id: APNS.keyId, team_id: APNS.teamId, bundle_id: APNS.topic }) as never,
            sealed_secret: box.seal(JSON.stringify({ certificate: apnsKeys.privateKeyPem })),
          },
          {
            app_id: appId,
            provider: 7,
            environment: 0,
            settings: JSON.stringify({ project_id: FCM.projectId, client_email: FCM.clientEmail }) as never,
            sealed_secret: box.seal(JSON.stringify({ certificate: fcmKeys.privateKeyPem })),
          },
        ])
        .execute()
    },
    async another(extra = {}) {
      const shared = app.testDatabase
      const database = shared.url ? openPostgres(shared.url, 5) : { ...shared.database, close: async () => {} }
      const other = await buildApp(testConfig({ ...env, ...extra }), { database, pushProviders: providers() })
      let closed = false
      const close = other.close.bind(other)
      // Closed before the shared database is dropped (teardowns run last-registered first).
      t.teardown(async () => {
        if (!closed) {
          closed = true
          await close()
        }
      })
      return other
    },
  }
  if (options.credentials !== false) await rig.addCredentials()
  return rig
}

/** Logs `user` in on a new device and binds a vendor token to it; returns the device's own token. */
export async function deviceWithToken(app: FastifyInstance, user: TestUser, deviceToken: string, notifierName: string): Promise<string> {
  const guid = randomBytes(6).toString('hex')
  const login = (await app.inject({ method: 'POST', url: '/token/user', payload: { name: user.username, password: user.password, device_guid: guid } })).json()
  const token = login.data.token as string
  const devices = (await app.inject({ method: 'GET', url: '/user/device/list', headers: { 'access-token': token } })).json()
  const sn = Math.max(...devices.data.map((d: { device_sn: number }) => d.device_sn))
  const bound = (
    await app.inject({
      method: 'POST',
      url: '/user/token/bind',
      headers: { 'access-token': token },
      payload: { device_sn: sn, device_token: deviceToken, notifier_name: notifierName },
    })
  ).json()
  if (bound.code !== 200) throw new Error(`bind failed: ${JSON.stringify(bound)}`)
  return token
}

export const apnsToken = () => randomBytes(32).toString('hex')

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'the condition'): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export async function outboxSize(db: Db): Promise<number> {
  const row = await db
    .selectFrom('push_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
