// createPushProviders(config): every provider reached at the base URL its PUSH_* setting names, through one shared setup.
import t from 'tap'
import webpush from 'web-push'
import { loadConfig } from '../../../src/config.ts'
import { createPushProviders } from '../../../src/platform/push/providers.ts'
import { apnsKey, startFakeApns } from '../../helpers/push-fakes/apns.ts'
import { serviceAccountKey, startFakeFcm } from '../../helpers/push-fakes/fcm.ts'
import { startFakeHuawei, startFakeMeizu, startFakeOppo, startFakeVivo, startFakeXiaomi } from '../../helpers/push-fakes/vendors.ts'
import { startFakeWebPush } from '../../helpers/push-fakes/webpush.ts'

t.test('each sender goes to its configured provider and is accepted there', async (t) => {
  const apnsSigning = apnsKey()
  const apns = { privateKey: apnsSigning.privateKeyPem, keyId: 'KEY1234567', teamId: 'TEAM765432', topic: 'com.example.im', environment: 'production' as const }
  const account = serviceAccountKey()
  const fcm = { projectId: 'p1', clientEmail: 'push@p1.iam.gserviceaccount.com', privateKey: account.privateKeyPem }
  const huawei = { appId: '1001', appSecret: 'hs' }
  const xiaomi = { appSecret: 'xs', packageName: 'com.example.im' }
  const oppo = { appKey: 'ok', masterSecret: 'om' }
  const vivo = { appId: '2002', appKey: 'vk', appSecret: 'vs' }
  const meizu = { appId: '3003', appSecret: 'ms' }
  const vapid = { subject: 'mailto:ops@example.com', ...webpush.generateVAPIDKeys() }

  const fakes = {
    apns: await startFakeApns({ publicKey: apnsSigning.publicKey, keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic }),
    fcm: await startFakeFcm({ publicKey: account.publicKey, clientEmail: fcm.clientEmail, projectId: fcm.projectId }),
    huawei: await startFakeHuawei(huawei),
    xiaomi: await startFakeXiaomi(xiaomi),
    oppo: await startFakeOppo(oppo),
    vivo: await startFakeVivo(vivo),
    meizu: await startFakeMeizu(meizu),
    webpush: await startFakeWebPush({ publicKey: vapid.publicKey, subject: vapid.subject }),
  }
  const config = loadConfig({
    PUSH_APNS_URL: `${fakes.apns.url}/`,
    PUSH_APNS_SANDBOX_URL: 'https://127.0.0.1:1',
    PUSH_FCM_URL: fakes.fcm.url,
    PUSH_FCM_TOKEN_URL: fakes.fcm.tokenUrl,
    PUSH_HUAWEI_URL: fakes.huawei.url,
    PUSH_HUAWEI_AUTH_URL: fakes.huawei.url,
    PUSH_XIAOMI_URL: fakes.xiaomi.url,
    PUSH_OPPO_URL: fakes.oppo.url,
    PUSH_VIVO_URL: fakes.vivo.url,
    PUSH_MEIZU_URL: fakes.meizu.url,
    PUSH_TIMEOUT_MS: '5000',
  })
  const providers = createPushProviders(config, { apnsCa: fakes.apns.ca })
  t.teardown(async () => {
    providers.close()
    await Promise.all(Object.values(fakes).map((fake) => fake.close()))
  })

  const n = { title: 'Alice', body: 'Lunch?', data: { conversation_id: 42 } }
  const results = {
    apns: await providers.apns.send(n, apns, { token: 'c'.repeat(64) }),
    fcm: await providers.fcm.send(n, fcm, { token: 'fcm-token' }),
    huawei: await providers.huawei.send(n, huawei, { token: 'hw-token' }),
    xiaomi: await providers.xiaomi.send(n, xiaomi, { token: 'mi-token' }),
    oppo: await providers.oppo.send(n, oppo, { token: 'oppo-token' }),
    vivo: await providers.vivo.send(n, vivo, { token: 'vivo-token' }),
    meizu: await providers.meizu.send(n, meizu, { token: 'mz-token' }),
    webpush: await providers.webpush.send(n, vapid, { token: fakes.webpush.subscribe().subscription }),
  }
  for (const [name, result] of Object.entries(results)) t.equal(result.outcome, 'ok', name)
  t.equal(fakes.apns.requests.length, 1)
  t.equal(fakes.fcm.sends.length, 1)
  for (const name of ['huawei', 'xiaomi', 'oppo', 'vivo', 'meizu'] as const) t.equal(fakes[name].sends.length, 1, name)
  t.equal(fakes.webpush.deliveries.length, 1)

  // Refused credentials come back as bad-credentials, and no result repeats a secret it was given.
  const secret = 'S3CRET-never-in-a-result-0123456789'
  const other = apnsKey().privateKeyPem
  const refused = {
    apns: await providers.apns.send(n, { ...apns, privateKey: other }, { token: 'c'.repeat(64) }),
    fcm: await providers.fcm.send(n, { ...fcm, privateKey: serviceAccountKey().privateKeyPem }, { token: 'fcm-token' }),
    huawei: await providers.huawei.send(n, { ...huawei, appSecret: secret }, { token: 'hw-token' }),
    xiaomi: await providers.xiaomi.send(n, { ...xiaomi, appSecret: secret }, { token: 'mi-token' }),
    oppo: await providers.oppo.send(n, { ...oppo, masterSecret: secret }, { token: 'oppo-token' }),
    vivo: await providers.vivo.send(n, { ...vivo, appSecret: secret }, { token: 'vivo-token' }),
    meizu: await providers.meizu.send(n, { ...meizu, appSecret: secret }, { token: 'mz-token' }),
    webpush: await providers.webpush.send(n, { ...vapid, ...webpush.generateVAPIDKeys() }, { token: fakes.webpush.subscribe().subscription }),
  }
  for (const [name, result] of Object.entries(refused)) t.equal(result.outcome, 'bad-credentials', `${name} refused`)
  const text = JSON.stringify(refused)
  for (const value of [secret, 'PRIVATE KEY', vapid.privateKey]) t.notOk(text.includes(value), 'no secret in the results')
  t.same(Object.keys(providers).sort(), ['apns', 'close', 'fcm', 'huawei', 'meizu', 'oppo', 'vivo', 'webpush', 'xiaomi'])
})
