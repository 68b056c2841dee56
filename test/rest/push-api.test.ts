// REST /push/* (002 §4): credentials sealed and shown masked, /push/notify tasks stored as given with their outbox record, dedupe, limits, counts, who may call.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { apnsKey, startFakeApns } from '../helpers/push-fakes/apns.ts'
import { createApnsSender } from '../../src/platform/push/apns.ts'
import { createTokenCache } from '../../src/platform/push/token-cache.ts'
import { serviceAccountKey } from '../helpers/push-fakes/fcm.ts'
import { tokenDigest } from '../../src/platform/tokens.ts'

const OTHER_ADMIN = 'other-app-admin-token-0123456789abcdefghij'

type Call = (
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => Promise<{ code: number; message: string | null; data: any }>

function caller(app: TestApp, token: string, extra: Record<string, string> = {}): Call {
  return (method, url, payload, headers = {}) =>
    app.inject({ method, url, payload: payload as object, headers: { 'access-token': token, ...extra, ...headers } }).then((r) => {
      if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}: ${r.body}`)
      return r.json()
    })
}

/** A second app with its own admin token, as an operator would create one. */
async function otherApp(app: TestApp): Promise<Call> {
  const db = app.testDatabase.database.db
  await db
    .insertInto('apps')
    .values({ id: 'other', name: 'other' })
    .onConflict((c) => c.doNothing())
    .execute()
  await db
    .insertInto('tokens')
    .values({ app_id: 'other', kind: 'admin', user_id: null, device_id: null, digest: tokenDigest(OTHER_ADMIN), expires_at: null, revoked_at: null })
    .onConflict((c) => c.doNothing())
    .execute()
  return caller(app, OTHER_ADMIN, { app_id: 'other' })
}

t.test('push credentials: set per provider, sealed at rest, shown masked, unsealed for the worker', async (t) => {
  const app = await buildTestApp(t, { env: { PUSH_SECRET_KEY: randomBytes(32).toString('hex') } })
  const admin = caller(app, ADMIN_TOKEN)
  const db = app.testDatabase.database.db
  const apns = apnsKey()
  const fcm = serviceAccountKey()
  const secrets = {
    huawei: 'huawei-app-secret-0123456789abcdef',
    xiaomi: 'xiaomi-app-secret-ABCDEFGHIJKLMNOP',
    meizu: 'meizu-app-secret-qrstuvwxyz012345',
    vivo: 'vivo-app-secret-zyxwvutsrqponmlk',
    oppoMaster: 'oppo-master-secret-9876543210abcd',
    oppoApp: 'oppo-app-secret-for-the-client-sdk',
    vapid: 'vapid-private-key-url-safe-base64-0123456789',
  }
  const keyFile = JSON.stringify({
    type: 'service_account',
    project_id: 'demo-project',
    client_email: 'push@demo-project.iam.gserviceaccount.com',
    private_key: fcm.privateKeyPem,
    token_uri: 'https://oauth2.googleapis.com/token',
  })

  await t.test('each provider takes its own fields; GET shows them with every secret masked', async (t) => {
    const set = [
      {
        provider: 1,
        environment: 1,
        name: 'prod key',
        certificate: apns.privateKeyPem,
        key_id: 'ABC123DEFG',
        team_id: 'TEAM123456',
        bundle_id: 'com.example.im',
      },
      { provider: 1, environment: 0, certificate: apns.privateKeyPem, key_id: 'DEV123DEFG', team_id: 'TEAM123456', bundle_id: 'com.example.im' },
      { provider: 2, app_id: '10086', app_secret: secrets.huawei },
      { provider: 3, app_secret: secrets.xiaomi, package_name: 'com.example.im', app_id: '2882303761517', app_key: '5601234567890' },
      { provider: 4, app_id: '110001', app_key: 'meizu-client-key', app_secret: secrets.meizu },
      { provider: 5, app_id: '10500', app_key: 'vivo-app-key', app_secret: secrets.vivo },
      { provider: 6, app_key: 'oppo-app-key', master_secret: secrets.oppoMaster, app_secret: secrets.oppoApp },
      { provider: 7, certificate: keyFile },
      { provider: 8, app_key: 'BPublicVapidKey', app_secret: secrets.vapid, subject: 'mailto:ops@example.com' },
    ]
    for (const body of set) t.same(await admin('POST', '/push/certificate', body), { code: 200, message: null, data: true }, `provider ${body.provider}`)

    t.match(await admin('GET', '/push/certificate?provider=1&environment=1'), {
      code: 200,
      data: {
        provider: 1,
        environment: 1,
        name: 'prod key',
        key_id: 'ABC123DEFG',
        team_id: 'TEAM123456',
        bundle_id: 'com.example.im',
        certificate: /^\*\*\*\*.{4}$/,
      },
    })
    t.match(
      (await admin('GET', '/push/certificate?provider=1&environment=0')).data,
      { environment: 0, key_id: 'DEV123DEFG', name: 'APNs' },
      'development is its own row',
    )
    t.match((await admin('GET', '/push/certificate?provider=1')).data, { environment: 1, key_id: 'ABC123DEFG' }, 'environment defaults to production (1)')
    t.same((await admin('GET', '/push/certificate?provider=2')).data, {
      provider: 2,
      environment: 1,
      name: 'Huawei',
      app_id: '10086',
      app_secret: `****${secrets.huawei.slice(-4)}`,
      updated_at: (await admin('GET', '/push/certificate?provider=2')).data.updated_at,
    })
    t.match((await admin('GET', '/push/certificate?provider=2&environment=0')).data, { app_id: '10086', environment: 1 }, 'Huawei has one environment')
    t.match((await admin('GET', '/push/certificate?provider=3')).data, {
      app_id: '2882303761517',
      app_key: '5601234567890',
      package_name: 'com.example.im',
      app_secret: '****MNOP',
    })
    t.match((await admin('GET', '/push/certificate?provider=4')).data, { app_id: '110001', app_key: 'meizu-client-key', app_secret: '****2345' })
    t.match((await admin('GET', '/push/certificate?provider=5')).data, { app_id: '10500', app_key: 'vivo-app-key', app_secret: '****nmlk' })
    t.match((await admin('GET', '/push/certificate?provider=6')).data, { app_key: 'oppo-app-key', master_secret: '****abcd', app_secret: '****-sdk' })
    t.match((await admin('GET', '/push/certificate?provider=7')).data, {
      app_id: 'demo-project',
      app_key: 'push@demo-project.iam.gserviceaccount.com',
      certificate: /^\*\*\*\*/,
      name: 'FCM',
    })
    t.match((await admin('GET', '/push/certificate?provider=8')).data, {
      app_key: 'BPublicVapidKey',
      subject: 'mailto:ops@example.com',
      app_secret: '****6789',
    })

    const shown = JSON.stringify(await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((p) => admin('GET', `/push/certificate?provider=${p}`))))
    const rows = JSON.stringify(await db.selectFrom('push_credentials').selectAll().execute())
    const pemBody = apns.privateKeyPem.split('\n')[1]!
    for (const secret of [...Object.values(secrets), pemBody, fcm.privateKeyPem.split('\n')[1]!]) {
      t.notOk(shown.includes(secret) || shown.includes(secret.slice(0, 16)), 'no secret is shown')
      t.notOk(rows.includes(secret) || rows.includes(secret.slice(0, 16)), 'no secret is stored in the clear')
    }
    t.ok(rows.includes('"sealed_secret":"v1.'), 'secrets are sealed')
  })

  await t.test('credentialsFor gives the worker the unsealed credentials the provider clients take', async (t) => {
    const push = app.services.push
    t.same(await push.credentialsFor('default', 'apns', 'production'), {
      privateKey: apns.privateKeyPem,
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      topic: 'com.example.im',
      environment: 'production',
    })
    t.same(await push.credentialsFor('default', 'apns', 'development'), {
      privateKey: apns.privateKeyPem,
      keyId: 'DEV123DEFG',
      teamId: 'TEAM123456',
      topic: 'com.example.im',
      environment: 'development',
    })
    t.same(await push.credentialsFor('default', 'fcm'), {
      projectId: 'demo-project',
      clientEmail: 'push@demo-project.iam.gserviceaccount.com',
      privateKey: fcm.privateKeyPem,
      tokenUri: 'https://oauth2.googleapis.com/token',
    })
    t.same(await push.credentialsFor('default', 'huawei', 'development'), { appId: '10086', appSecret: secrets.huawei }, 'one environment outside APNs')
    t.same(await push.credentialsFor('default', 'xiaomi'), { appSecret: secrets.xiaomi, packageName: 'com.example.im' })
    t.same(await push.credentialsFor('default', 'meizu'), { appId: '110001', appSecret: secrets.meizu })
    t.same(await push.credentialsFor('default', 'vivo'), { appId: '10500', appKey: 'vivo-app-key', appSecret: secrets.vivo })
    t.same(await push.credentialsFor('default', 'oppo'), { appKey: 'oppo-app-key', masterSecret: secrets.oppoMaster })
    t.same(await push.credentialsFor('default', 'webpush'), { subject: 'mailto:ops@example.com', publicKey: 'BPublicVapidKey', privateKey: secrets.vapid })
    t.equal(await push.credentialsFor('other-app', 'apns'), undefined, 'none set: nothing to send with')
  })

  await t.test('the APNs client signs with them and Apple (the local fake) accepts', async (t) => {
    const fake = await startFakeApns({ publicKey: apns.publicKey, keyId: 'ABC123DEFG', teamId: 'TEAM123456', topic: 'com.example.im' })
    const sender = createApnsSender({
      productionUrl: fake.url,
      sandboxUrl: fake.url,
      timeoutMs: 5000,
      tokens: createTokenCache(Date.now),
      now: Date.now,
      ca: [fake.ca],
    })
    t.teardown(async () => {
      sender.close()
      await fake.close()
    })
    const credentials = (await app.services.push.credentialsFor('default', 'apns', 'production'))!
    t.match(await sender.send({ title: 'Hi', body: 'there' }, credentials, { token: 'b'.repeat(64) }), { outcome: 'ok', status: 200 })
    t.match(fake.requests[0]?.headers, { 'apns-topic': 'com.example.im' })
  })

  await t.test('setting again replaces; a provider without credentials is a clear error', async (t) => {
    t.equal((await admin('POST', '/push/certificate', { provider: 2, environment: 0, app_id: '10087', app_secret: 'another-secret-value-xyz9' })).code, 200)
    t.match((await admin('GET', '/push/certificate?provider=2')).data, { app_id: '10087', app_secret: '****xyz9' })
    t.equal(
      await db
        .selectFrom('push_credentials')
        .select('app_id')
        .where('provider', '=', 2)
        .execute()
        .then((r) => r.length),
      1,
    )
    const other = await otherApp(app)
    t.match(
      await other('GET', '/push/certificate?provider=2'),
      { code: 10022, data: null, message: /no Huawei credentials.*POST \/push\/certificate/ },
      'another app sees none of ours',
    )
  })

  await t.test('refusals name the field, and store nothing', async (t) => {
    const before = await db.selectFrom('push_credentials').selectAll().execute()
    const refused = async (body: object, message: RegExp, what: string) =>
      t.match(await admin('POST', '/push/certificate', body), { code: 10002, data: null, message }, what)
    await refused({ provider: 2, app_id: '1' }, /Huawei credentials need app_id, app_secret: app_secret is missing/, 'missing secret')
    await refused({ provider: 2, app_id: '1', app_secret: 'x', certificate: 'y' }, /certificate is not a Huawei credential/, 'foreign field')
    await refused(
      { provider: 1, certificate: apns.privateKeyPem, key_id: 'short', team_id: 'TEAM123456', bundle_id: 'b' },
      /key_id must be the 10-character id/,
      'bad key id',
    )
    await refused({ provider: 1, certificate: 'not a key', key_id: 'ABC123DEFG', team_id: 'TEAM123456', bundle_id: 'b' }, /PEM/, 'not a PEM key')
    await refused({ provider: 7, certificate: '{not json' }, /service account key file/, 'FCM key file not JSON')
    await refused(
      { provider: 7, certificate: JSON.stringify({ project_id: 'p', private_key: fcm.privateKeyPem }) },
      /no client_email/,
      'FCM key file incomplete',
    )
    await refused({ provider: 8, app_key: 'k', app_secret: 's', subject: 'ops@example.com' }, /subject must be a mailto: or https:/, 'VAPID subject')
    await refused({ provider: 9, app_id: '1', app_secret: 's' }, /provider/, 'unknown provider')
    await refused({ provider: 3, environment: 2, app_secret: 's', package_name: 'p' }, /environment/, 'unknown environment')
    t.match(await admin('GET', '/push/certificate?provider=0'), { code: 10002 })
    t.same(await db.selectFrom('push_credentials').selectAll().execute(), before, 'nothing changed')
  })

  await t.test('only the app admin: a user token is refused, an admin acting as a user is still the admin', async (t) => {
    const user = await registerUser(app)
    const asUser = caller(app, user.token)
    t.match(await asUser('GET', '/push/certificate?provider=2'), { code: 10010, data: null })
    t.match(await asUser('POST', '/push/certificate', { provider: 2, app_id: '1', app_secret: 'stolen-secret-0123456789' }), { code: 10010 })
    t.match(await asUser('POST', '/push/notify', { audience: 'all', message: { body: 'hi' } }), { code: 10010 })
    t.match(await asUser('POST', '/push/task/detail', { list: [1] }), { code: 10010 })
    t.match(await admin('GET', '/push/certificate?provider=2', undefined, { user_id: String(user.userId) }), { code: 200, data: { app_id: '10087' } })
  })
})

t.test('without PUSH_SECRET_KEY credentials are refused with a clear error; notify still records tasks', async (t) => {
  const app = await buildTestApp(t)
  const admin = caller(app, ADMIN_TOKEN)
  t.match(await admin('POST', '/push/certificate', { provider: 2, app_id: '1', app_secret: 'some-secret-0123456789' }), {
    code: 10022,
    data: null,
    message: /PUSH_SECRET_KEY is not configured/,
  })
  t.match(await admin('GET', '/push/certificate?provider=2'), { code: 10022, message: /PUSH_SECRET_KEY is not configured/ })
  t.equal(await app.services.push.credentialsFor('default', 'huawei'), undefined)
  t.equal((await app.testDatabase.database.db.selectFrom('push_credentials').selectAll().execute()).length, 0)
  t.match(await admin('POST', '/push/notify', { audience: 'all', message: { body: 'hello' } }), { code: 200, data: { task_id: Number } })
})

t.test('/push/notify and /push/task/detail', async (t) => {
  let now = Date.UTC(2026, 10, 30, 8, 0, 0)
  const app = await buildTestApp(t, { overrides: { now: () => now } })
  const admin = caller(app, ADMIN_TOKEN)
  const db = app.testDatabase.database.db
  const taskRow = (id: number) => db.selectFrom('push_tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const outboxOf = (id: number) => db.selectFrom('push_outbox').selectAll().where('task_id', '=', id).execute()
  const counts = async () => ({
    tasks: Number(
      (
        await db
          .selectFrom('push_tasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    outbox: Number(
      (
        await db
          .selectFrom('push_outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  })
  const android = { sound: 'ding', channel_id: 'news', click_action: 'intent', intent: 'intent:#Intent;component=com.example/.Main;S.k=v;end' }

  await t.test('every documented field is accepted and stored as given, with one outbox record due now', async (t) => {
    const showEnd = Math.floor(now / 1000) + 3600
    const message = {
      type: 'image',
      title: 'Sale',
      body: 'Everything half price',
      attachment_url: 'https://cdn.example.com/p/1.JPG?v=2',
      big_text: 'A long text '.repeat(20),
      badge: '+2',
      ext: { key1: 123, key2: 'value2', nested: { a: [1, 2] } },
      show_end_time: showEnd,
      ios: {
        sound: 'bell.caf',
        content_available: true,
        mutable_content: true,
        category: 'SALE',
        thread_id: 'promo',
        subtitle: 'today',
        apns_collapse_id: 'sale-1',
      },
      android,
      huawei: { sound: 'hw', channel_id: 'hw-news', click_action: 'open_app', badge_class: 'com.example.MainActivity' },
      xiaomi: { sound: 'mi', channel_id: 'mi-news', click_action: 'intent', intent: 'intent:#Intent;component=com.example/.Mi;end' },
      oppo: { sound: 'op', channel_id: 'op-news', click_action: 'open_app' },
      vivo: { sound: 'vv', channel_id: 'vv-news', click_action: 'open_app', push_mode: 1, classification: 1 },
      flyme: { sound: 'fm', channel_id: 'fm-news', click_action: 'intent' },
      fcm: { sound: 'fc', channel_id: 'fc-news', click_action: 'open_app' },
    }
    const setting = { request_id: 'campaign-1', distribution_strategy: 'ospush_only', ospush_sequence: ['huawei', 'xiaomi', 'fcm', 'ups'] }
    const audience = { tag: ['beijing', 'shanghai'], alias: ['vip'], user_id: [111, 222], push_token: ['token1', 'token2'] }
    const answer = await admin('POST', '/push/notify', { audience, setting, message })
    t.match(answer, { code: 200, message: null, data: { task_id: Number } })
    const row = await taskRow(answer.data.task_id)
    t.same(row.audience, audience)
    t.same(row.setting, setting)
    t.same(row.message, message, 'the message exactly as given')
    t.equal(row.request_id, 'campaign-1')
    t.equal(row.app_id, 'default')
    const outbox = await outboxOf(answer.data.task_id)
    t.equal(outbox.length, 1)
    t.match(outbox[0], { app_id: 'default', kind: 'task', message_id: null, attempts: 0 })
    t.equal(outbox[0]!.due_at.getTime(), now, 'due at once')
  })

  await t.test('defaults of 002 are filled in; a numeric badge is kept as its string; "all" is stored as "all"', async (t) => {
    const answer = await admin('POST', '/push/notify', { audience: 'all', message: { title: 'Hi', badge: 5 } })
    const row = await taskRow(answer.data.task_id)
    t.equal(row.audience, 'all')
    t.same(row.setting, { distribution_strategy: 'combined', ospush_sequence: ['ups', 'fcm'] })
    t.same(row.message, { type: 'text', title: 'Hi', badge: '5' })
    t.equal(row.request_id, null)
    const cmd = await admin('POST', '/push/notify', { audience: { user_id: [1] }, message: { type: 'cmd', ext: { refresh: true } } })
    t.same((await taskRow(cmd.data.task_id)).message, { type: 'cmd', ext: { refresh: true } }, 'a cmd needs nothing to show')
  })

  await t.test('a scheduled notification waits in the outbox until its show time', async (t) => {
    const begin = Math.floor(now / 1000) + 7200
    const answer = await admin('POST', '/push/notify', {
      audience: { alias: ['a'] },
      message: { body: 'later', show_begin_time: begin, show_end_time: begin + 60 },
    })
    t.equal((await outboxOf(answer.data.task_id))[0]!.due_at.getTime(), begin * 1000)
    const past = await admin('POST', '/push/notify', { audience: { alias: ['a'] }, message: { body: 'now', show_begin_time: 1000 } })
    t.equal((await outboxOf(past.data.task_id))[0]!.due_at.getTime(), now, 'a past show time is now')
  })

  await t.test('refusals in the REST envelope, nothing stored', async (t) => {
    const before = await counts()
    const list = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`)
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
    const refused: Array<[string, object]> = [
      ['no audience', { message: { body: 'x' } }],
      ['no message', { audience: 'all' }],
      ['audience neither "all" nor an object', { audience: 'everyone', message: { body: 'x' } }],
      ['an empty audience object', { audience: {}, message: { body: 'x' } }],
      ['an unknown audience key', { audience: { group_id: [1] }, message: { body: 'x' } }],
      ['an empty list', { audience: { tag: [] }, message: { body: 'x' } }],
      ['501 tags', { audience: { tag: list(501) }, message: { body: 'x' } }],
      ['501 aliases', { audience: { alias: list(501) }, message: { body: 'x' } }],
      ['501 user ids', { audience: { user_id: ids(501) }, message: { body: 'x' } }],
      ['501 push tokens', { audience: { push_token: list(501) }, message: { body: 'x' } }],
      ['a user id that is not an id', { audience: { user_id: ['abc'] }, message: { body: 'x' } }],
      ['an unknown strategy', { audience: 'all', setting: { distribution_strategy: 'fastest' }, message: { body: 'x' } }],
      ['an unknown vendor in ospush_sequence', { audience: 'all', setting: { ospush_sequence: ['ups', 'nokia'] }, message: { body: 'x' } }],
      ['a vendor twice in ospush_sequence', { audience: 'all', setting: { ospush_sequence: ['fcm', 'fcm'] }, message: { body: 'x' } }],
      ['an unknown type', { audience: 'all', message: { type: 'video', body: 'x' } }],
      ['a text with nothing to show', { audience: 'all', message: { type: 'text' } }],
      ['an image without attachment_url', { audience: 'all', message: { type: 'image', title: 'x' } }],
      ['an image that is a gif', { audience: 'all', message: { type: 'image', title: 'x', attachment_url: 'https://cdn.example.com/a.gif' } }],
      ['an attachment_url that is not a URL', { audience: 'all', message: { body: 'x', attachment_url: 'file:///etc/passwd' } }],
      ['a badge that is not a number', { audience: 'all', message: { body: 'x', badge: 'many' } }],
      ['show_end_time before show_begin_time', { audience: 'all', message: { body: 'x', show_begin_time: 2_000_000_000, show_end_time: 1_999_999_999 } }],
      ['show_end_time already past', { audience: 'all', message: { body: 'x', show_end_time: 1000 } }],
      ['click_action intent without an intent', { audience: 'all', message: { body: 'x', huawei: { click_action: 'intent' } } }],
      ['an unknown click_action', { audience: 'all', message: { body: 'x', android: { click_action: 'open_url' } } }],
      ['vivo push_mode 2', { audience: 'all', message: { body: 'x', vivo: { push_mode: 2 } } }],
      ['vivo classification 2', { audience: 'all', message: { body: 'x', vivo: { classification: 2 } } }],
      ['content_available not a boolean', { audience: 'all', message: { body: 'x', ios: { content_available: 'maybe' } } }],
      ['an apns_collapse_id over 64 bytes', { audience: 'all', message: { body: 'x', ios: { apns_collapse_id: 'c'.repeat(65) } } }],
      ['a request_id over 128 characters', { audience: 'all', setting: { request_id: 'r'.repeat(129) }, message: { body: 'x' } }],
    ]
    for (const [what, body] of refused) t.match(await admin('POST', '/push/notify', body), { code: 10002, data: null, message: String }, what)
    t.same(await counts(), before, 'no task and no outbox record from any refusal')
    for (const [field, value] of [
      ['tag', list(500)],
      ['alias', list(500)],
      ['user_id', ids(500)],
      ['push_token', list(500)],
    ] as const) {
      t.equal((await admin('POST', '/push/notify', { audience: { [field]: value }, message: { body: 'x' } })).code, 200, `500 ${field} entries are accepted`)
    }
  })

  await t.test('request_id: the same id answers the first task, across calls at once; another app has its own', async (t) => {
    const body = { audience: 'all', setting: { request_id: 'once' }, message: { body: 'only once' } }
    const first = (await admin('POST', '/push/notify', body)).data.task_id
    const again = await admin('POST', '/push/notify', { ...body, message: { body: 'different text, same id' } })
    t.same(again, { code: 200, message: null, data: { task_id: first } })
    const racing = await Promise.all(Array.from({ length: 5 }, () => admin('POST', '/push/notify', { ...body, setting: { request_id: 'race' } })))
    t.equal(new Set(racing.map((r) => r.data.task_id)).size, 1, 'five at once: one task')
    const rows = await db.selectFrom('push_tasks').select('id').where('request_id', 'in', ['once', 'race']).execute()
    t.equal(rows.length, 2)
    t.equal(
      (
        await db
          .selectFrom('push_outbox')
          .select('id')
          .where(
            'task_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      ).length,
      2,
      'one outbox record each',
    )
    t.same((await taskRow(first)).message, { type: 'text', body: 'only once' }, 'the first one is kept')

    const other = await otherApp(app)
    const theirs = await other('POST', '/push/notify', body)
    t.equal(theirs.code, 200)
    t.not(theirs.data.task_id, first, 'the same request_id in another app is another task')
  })

  await t.test('task detail: each channel of 002, zero until counted, then the counts; unknown and foreign tasks refused', async (t) => {
    const a = (await admin('POST', '/push/notify', { audience: 'all', message: { body: 'count me' } })).data.task_id
    const b = (await admin('POST', '/push/notify', { audience: 'all', message: { body: 'and me' } })).data.task_id
    const zero = Object.fromEntries(
      ['mxpush', 'apns', 'fcm', 'huawei', 'xiaomi', 'oppo', 'vivo', 'flyme', 'webpush'].flatMap((c) => [
        [`${c}_target`, 0],
        [`${c}_sent`, 0],
        [`${c}_received`, 0],
      ]),
    )
    t.same(await admin('POST', '/push/task/detail', { list: [a] }), { code: 200, message: null, data: [{ task_id: a, ...zero }] })

    // What the push worker writes as it sends (its own tests show it does).
    await db
      .insertInto('push_task_counts')
      .values([
        { task_id: a, channel: 'mxpush', target: 10, sent: 9, received: 8 },
        { task_id: a, channel: 'apns', target: 5, sent: 5, received: 4 },
        { task_id: a, channel: 'meizu', target: 2, sent: 1, received: 0 },
        { task_id: b, channel: 'fcm', target: 3, sent: 3, received: 3 },
      ])
      .execute()
    const detail = await admin('POST', '/push/task/detail', { list: [b, a] })
    t.same(
      detail.data,
      [
        { ...zero, task_id: b, fcm_target: 3, fcm_sent: 3, fcm_received: 3 },
        {
          ...zero,
          task_id: a,
          mxpush_target: 10,
          mxpush_sent: 9,
          mxpush_received: 8,
          apns_target: 5,
          apns_sent: 5,
          apns_received: 4,
          flyme_target: 2,
          flyme_sent: 1,
          flyme_received: 0,
        },
      ],
      'in the order asked; Meizu counts as flyme',
    )

    t.match(await admin('POST', '/push/task/detail', { list: [a, 999_999] }), { code: 10002, data: null, message: /no push task 999999 in this app/ })
    const other = await otherApp(app)
    const theirs = (await other('POST', '/push/notify', { audience: 'all', message: { body: 'theirs' } })).data.task_id
    t.match(
      await admin('POST', '/push/task/detail', { list: [theirs] }),
      { code: 10002, message: new RegExp(`no push task ${theirs} in this app`) },
      "another app's task is not found",
    )
    t.match(await other('POST', '/push/task/detail', { list: [a] }), { code: 10002 }, 'nor ours from theirs')
    t.match(await admin('POST', '/push/task/detail', { list: [] }), { code: 10002 }, 'an empty list')
    t.match(await admin('POST', '/push/task/detail', {}), { code: 10002 }, 'no list')
    t.match(await admin('POST', '/push/task/detail', { list: ['x'] }), { code: 10002 }, 'not an id')
  })

  await t.test('the tag audience resolves against the tags users set with /user/push/tag, within the app', async (t) => {
    const [u1, u2, u3] = [await registerUser(app), await registerUser(app), await registerUser(app)]
    const tag = (u: { token: string }, tags: string[]) => caller(app, u.token)('POST', '/user/push/tag', { tags })
    await tag(u1, ['beijing', 'vip'])
    await tag(u2, ['shanghai'])
    await tag(u3, ['guangzhou'])
    t.same(
      await app.services.settings.usersTagged('default', ['beijing', 'shanghai', 'vip']),
      [u1.userId, u2.userId].sort((x, y) => x - y),
    )
    t.same(await app.services.settings.usersTagged('other', ['beijing']), [], "another app's users are not ours")
    await caller(app, u1.token)('DELETE' as 'POST', '/user/push/tag/all')
    t.same(await app.services.settings.usersTagged('default', ['beijing', 'shanghai']), [u2.userId], 'untagged users drop out')
    now += 1000
  })
})
