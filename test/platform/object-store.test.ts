// STORAGE=s3 against a local S3-protocol server (s3rver): uploads land in the bucket, downloads stream back, and direct uploads by presigned POST.
import t from 'tap'
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp, PUBLIC_URL, testConfig } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { startObjectStore, S3_BUCKET } from '../helpers/object-store.ts'
import type { FastifyInstance } from 'fastify'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(700, 3)])
const AMR = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(400, 9)])

function multipart(content: Buffer, field = 'file') {
  const boundary = '----imgatewaysthree'
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="f.bin"\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  }
}

/** A browser-style POST of a form: every field of oss_body_param first, then `file`. */
async function postForm(url: string, fields: Record<string, string>, content: Buffer) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([content]), 'f.bin')
  const r = await fetch(url, { method: 'POST', body: form })
  return { status: r.status, body: await r.text() }
}

const client = (app: FastifyInstance) => ({
  get: (url: string, token?: string) =>
    app.inject({ method: 'GET', url: url.startsWith(PUBLIC_URL) ? url.slice(PUBLIC_URL.length) : url, headers: token ? { 'access-token': token } : {} }),
  rest: async (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) =>
    (await app.inject({ method, url, headers: { 'access-token': user.token }, ...(payload ? { payload } : {}) })).json(),
})

/** A gateway with STORAGE=s3 on a fresh bucket, and three users. */
async function gatewayOnS3(t: Parameters<typeof startObjectStore>[0], options: { direct?: boolean } = {}) {
  const store = await startObjectStore(t, options)
  const app = await buildTestApp(t, { env: store.env })
  const [alice, bob, mallory] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  return { store, app, ...client(app), alice: alice, bob: bob, mallory: mallory }
}

t.test('STORAGE=s3: uploads through the gateway land in the bucket; downloads stream back', async (t) => {
  const { store, app, get, rest, alice, bob, mallory } = await gatewayOnS3(t)

  const urls = (await rest(alice, 'GET', '/file/upload/avatar/user')).data
  t.same(urls.oss_body_param, {}, 'without S3_DIRECT_UPLOAD the client uploads to the gateway')
  t.match(urls.upload_url, /\/file\/upload\/ticket\/[0-9a-f]{32}$/)
  const refused = await app.inject({ method: 'POST', url: urls.upload_url.slice(PUBLIC_URL.length), ...multipart(Buffer.from('not a picture')) })
  t.match(refused.json(), { code: 10018 }, 'checked by content before it reaches the bucket')
  const done = (await app.inject({ method: 'POST', url: urls.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })).json()
  t.match(done, { code: 200, data: { size: PNG.length, mime: 'image/png' } })
  const key = done.data.download_url.slice(`${PUBLIC_URL}/files/`.length)
  const listed = await store.client.send(new ListObjectsV2Command({ Bucket: S3_BUCKET }))
  t.same(
    listed.Contents?.map((o) => o.Key),
    [key],
    'the bucket holds the upload, and nothing of the refused one',
  )
  const object = await store.client.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: key }))
  t.ok(Buffer.from(await object.Body!.transformToByteArray()).equals(PNG), 'byte for byte in the bucket')
  t.equal(object.ContentType, 'image/png')
  const dataFiles = join(app.config.DATA_DIR, 'files')
  t.same(
    existsSync(dataFiles) ? readdirSync(dataFiles, { recursive: true }).filter((name) => !String(name).startsWith('.incoming')) : [],
    [],
    'nothing on local disk',
  )
  t.same(existsSync(join(dataFiles, '.incoming')) ? readdirSync(join(dataFiles, '.incoming')) : [], [], 'nor left in the spool')

  for (const url of [urls.download_url, done.data.download_url]) {
    const r = await get(url)
    t.equal(r.statusCode, 200, url)
    t.equal(r.headers['content-type'], 'image/png')
    t.equal(Number(r.headers['content-length']), PNG.length)
    t.ok(r.rawPayload.equals(PNG), `${url} streams the bytes back`)
  }
  t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: urls.download_url }), { code: 10010 }, "another user's upload is still refused")
  t.match(await rest(alice, 'POST', '/user/avatar', { avatar: urls.download_url }), { code: 200 })

  const chat = (await rest(alice, 'GET', `/file/upload/chat?file_type=101&to_type=1&to_id=${bob.userId}`)).data
  t.match((await app.inject({ method: 'PUT', url: chat.upload_url.slice(PUBLIC_URL.length), ...multipart(AMR) })).json(), { code: 200 })
  t.match((await get(chat.download_url)).json(), { code: 10003 }, 'a chat file needs a token')
  const r = await get(chat.download_url, bob.token)
  t.equal(r.headers['content-type'], 'audio/amr')
  t.ok(r.rawPayload.equals(AMR), 'the recipient reads the chat file from the bucket')
  t.equal((await get('/files/avatars/0123456789abcdef0123456789abcdef.png')).statusCode, 404, 'an object that is not there is 404')

  // The legacy surface stores through the same interface.
  const photo = multipart(PNG, 'userPhoto')
  const legacy = await app.inject({
    method: 'POST',
    url: '/user/user!uploadPhoto',
    headers: { ...photo.headers, uid: String(bob.userId), accessToken: bob.token },
    payload: photo.payload,
  })
  t.match(legacy.json(), { success: true }, 'legacy uploadPhoto')
  const bobAvatar = (await rest(bob, 'GET', '/user/profile')).data.avatar as string
  const bobKey = bobAvatar.replace(/^.*\/files\//, '')
  await store.client.send(new HeadObjectCommand({ Bucket: S3_BUCKET, Key: bobKey }))
  t.pass(`${bobKey} is in the bucket`)
  t.ok((await get(bobAvatar)).rawPayload.equals(PNG), 'and served from it')

  // Replacing the avatar removes the old picture from the bucket.
  const next = (await rest(alice, 'GET', '/file/upload/avatar/user')).data
  const nextDone = (await app.inject({ method: 'POST', url: next.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })).json()
  t.match(await rest(alice, 'POST', '/user/avatar', { avatar: nextDone.data.download_url }), { code: 200 })
  await t.rejects(store.client.send(new HeadObjectCommand({ Bucket: S3_BUCKET, Key: key })), 'the replaced picture left the bucket')

  // The store goes away: downloads and uploads answer 503 (retry later), not 500, and leave nothing behind.
  await store.stop()
  const down = await get(chat.download_url, bob.token)
  t.equal(down.statusCode, 503, 'a download while the store is away')
  t.match(down.json(), { message: /object store is unavailable/ })
  const later = (await rest(alice, 'GET', '/file/upload/avatar/user')).data
  const refusedUpload = await app.inject({ method: 'POST', url: later.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })
  t.equal(refusedUpload.statusCode, 503, 'an upload while the store is away')
  t.same(readdirSync(join(dataFiles, '.incoming')), [], 'its spooled copy is gone')
  const again = await app.inject({ method: 'POST', url: later.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })
  t.match({ status: again.statusCode, ...again.json() }, { status: 503, message: /object store/ }, 'and the ticket was not used up (not "already used")')
})

t.test('S3_DIRECT_UPLOAD: clients post to the bucket with a presigned form; the download URL settles the upload', async (t) => {
  const { store, app, get, rest, alice, bob, mallory } = await gatewayOnS3(t, { direct: true })

  const urls = (await rest(alice, 'GET', '/file/upload/avatar/user')).data
  t.equal(urls.upload_url, `${store.env.S3_PUBLIC_ENDPOINT}/${S3_BUCKET}`, 'upload_url is the bucket')
  const form = urls.oss_body_param as Record<string, string>
  t.match(form, {
    key: /^avatars\/[0-9a-f]{32}\.bin$/,
    'Content-Type': 'application/octet-stream',
    Policy: /./,
    'X-Amz-Signature': /^[0-9a-f]{64}$/,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  })
  const policy = JSON.parse(Buffer.from(form.Policy!, 'base64').toString())
  t.ok(Date.parse(policy.expiration) - Date.now() <= 900_000, 'the form expires within S3_DIRECT_UPLOAD_SECONDS')
  t.match((await get(urls.download_url)).json(), { code: 20022 }, 'nothing there before the upload')

  t.match(
    await postForm(urls.upload_url, form, Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)])),
    { status: 403, body: /EntityTooLarge/ },
    'the policy caps the size',
  )
  t.match(
    await postForm(urls.upload_url, { ...form, key: form.key!.replace(/^avatars/, 'chat') }, PNG),
    { status: 403, body: /Policy Condition failed/ },
    'the key is fixed by the gateway',
  )
  t.match(await postForm(urls.upload_url, { ...form, 'Content-Type': 'text/html' }, PNG), { status: 403 }, 'so is the content type')
  t.match(
    await postForm(urls.upload_url, { ...form, 'X-Amz-Signature': '0'.repeat(64) }, PNG),
    { status: 403, body: /SignatureDoesNotMatch/ },
    'and the form is signed',
  )
  t.match(await postForm(urls.upload_url, form, PNG), { status: 204 }, 'the upload goes straight to the bucket')

  t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: urls.download_url }), { code: 10010 }, "nobody else can show alice's upload")
  const r = await get(urls.download_url)
  t.equal(r.statusCode, 200)
  t.equal(r.headers['content-type'], 'image/png', 'served as what the content is')
  t.ok(r.rawPayload.equals(PNG), 'the download URL serves it byte for byte')
  t.match(await rest(alice, 'POST', '/user/avatar', { avatar: urls.download_url }), { code: 200 }, 'and alice may show it')
  const avatar = (await rest(alice, 'GET', '/user/profile')).data.avatar as string
  const byPath = await get(`/files/${form.key}`)
  t.ok(avatar.endsWith(form.key!), 'the profile names the stored file')
  t.equal(byPath.headers['content-type'], 'image/png', 'its stored type is corrected to the content')
  t.ok(byPath.rawPayload.equals(PNG))

  // A chat file settles on its first download; content its file_type does not take is removed.
  const voice = (await rest(alice, 'GET', `/file/upload/chat?file_type=101&to_type=1&to_id=${bob.userId}`)).data
  t.equal(voice.oss_body_param['Content-Type'], 'audio/amr', 'a one-kind ticket fixes its content type')
  t.match(await postForm(voice.upload_url, voice.oss_body_param, PNG), { status: 204 })
  t.match((await get(voice.download_url, bob.token)).json(), { code: 20022 }, 'a picture in a voice slot is refused at download')
  await t.rejects(store.client.send(new HeadObjectCommand({ Bucket: S3_BUCKET, Key: voice.oss_body_param.key })), 'and removed from the bucket')

  const file = (await rest(alice, 'GET', `/file/upload/chat?file_type=100&to_type=1&to_id=${bob.userId}`)).data
  t.match(await postForm(file.upload_url, file.oss_body_param, AMR), { status: 204 })
  t.match((await get(file.download_url)).json(), { code: 10003 }, 'a chat file still needs a token')
  const chat = await get(file.download_url, bob.token)
  t.equal(chat.headers['content-type'], 'audio/amr')
  t.ok(chat.rawPayload.equals(AMR), 'the recipient reads it')
  const sign = new URL(file.download_url).searchParams.get('file_sign')
  const forwarded = (await rest(bob, 'GET', `/file/upload/forward?file_sign=${sign}&to_type=1&to_id=${alice.userId}`)).data as string
  t.ok((await get(forwarded, alice.token)).rawPayload.equals(AMR), 'and forwards it')

  // The gateway's own upload URL still works for a ticket of this kind (a client that cannot post forms).
  const through = (await rest(alice, 'GET', '/file/upload/avatar/user')).data
  t.match(await postForm(through.upload_url, through.oss_body_param, PNG), { status: 204 }, 'even after a direct upload to its key')
  const sign2 = new URL(through.download_url).searchParams.get('object_name')
  const done = (await app.inject({ method: 'POST', url: `/file/upload/ticket/${sign2}`, ...multipart(PNG) })).json()
  t.match(done, { code: 200, data: { mime: 'image/png' } })
  t.ok((await get(through.download_url)).rawPayload.equals(PNG))
  t.not(done.data.download_url, `${PUBLIC_URL}/files/${through.oss_body_param.key}`, 'the gateway stored its own copy')
  await t.rejects(store.client.send(new HeadObjectCommand({ Bucket: S3_BUCKET, Key: through.oss_body_param.key })), 'and removed what reached the fixed key')
})

t.test('storage settings are checked at start-up, naming the variable', async (t) => {
  t.throws(() => testConfig({ STORAGE: 's3' }), /S3_BUCKET="": required when STORAGE=s3/)
  t.throws(() => testConfig({ STORAGE: 'ftp' }), /STORAGE/)
  t.throws(() => testConfig({ STORAGE: 's3', S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'k' }), /S3_SECRET_ACCESS_KEY="": set both/)
  t.throws(() => testConfig({ STORAGE: 's3', S3_BUCKET: 'b-1', S3_ENDPOINT: 'minio:9000' }), /S3_ENDPOINT/)
  t.throws(() => testConfig({ S3_DIRECT_UPLOAD: 'true' }), /S3_DIRECT_UPLOAD="true": needs STORAGE=s3/)
  t.equal(testConfig().STORAGE, 'local', 'local disk by default')
})
