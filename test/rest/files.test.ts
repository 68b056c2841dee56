// /file/* (002 §9): upload URLs, single-use uploads checked by content, avatar and chat downloads, forwarding.
import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(500, 1)])

function multipart(content: Buffer, filename = 'f.bin') {
  const boundary = '----imgatewayfile'
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  }
}

t.test('files', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { 'access-token': token } : {} })
  const upload = (uploadUrl: string, content: Buffer, method: 'POST' | 'PUT' = 'POST') =>
    app.inject({ method, url: uploadUrl.slice(PUBLIC_URL.length), ...multipart(content) }).then((r) => r.json())

  await t.test('a user avatar: upload URL, upload, then the download URL and the /files/ URL serve it', async (t) => {
    const urls = (await get('/file/upload/avatar/user', alice.token)).json()
    t.match(urls, {
      code: 200,
      data: { upload_url: /\/file\/upload\/ticket\/[0-9a-f]{32}$/, download_url: /\/file\/download\/avatar\?object_name=[0-9a-f]{32}$/, oss_body_param: {} },
    })
    t.match((await get(urls.data.download_url.slice(PUBLIC_URL.length))).json(), { code: 20022 }, 'nothing there before the upload')
    t.match(await upload(urls.data.upload_url, Buffer.from('not an image at all')), { code: 10018 })
    const done = await upload(urls.data.upload_url, PNG, 'PUT')
    t.match(done, { code: 200, data: { download_url: new RegExp(`^${PUBLIC_URL}/files/avatars/[0-9a-f]{32}\\.png$`), size: PNG.length, mime: 'image/png' } })
    t.match(await upload(urls.data.upload_url, PNG), { code: 10002, message: /already used/ }, 'single use')
    for (const url of [urls.data.download_url, done.data.download_url]) {
      const r = await get(url.slice(PUBLIC_URL.length))
      t.equal(r.statusCode, 200)
      t.ok(r.rawPayload.equals(PNG), `${url} serves the bytes`)
    }
    const byPath = await get(`/file/download/avatar?object_name=${done.data.download_url.slice(PUBLIC_URL.length + '/files/'.length)}`)
    t.ok(byPath.rawPayload.equals(PNG), 'object_name may be the stored path')
    t.match((await get('/file/download/avatar?object_name=../../etc/passwd')).json(), { code: 20022 })
    await app.inject({ method: 'POST', url: '/user/avatar', headers: { 'access-token': alice.token }, payload: { avatar: done.data.download_url } })
  })

  await t.test('a chat file: any type up to its limit, read with a token by its sign, forwarded without copying', async (t) => {
    t.match((await get(`/file/upload/chat?file_type=999&to_type=1&to_id=${bob.userId}`, alice.token)).json(), { code: 10002, message: /file_type/ })
    t.match((await get('/file/upload/chat?file_type=100&to_type=1&to_id=99999999', alice.token)).json(), { code: 10000 })
    t.match((await get(`/file/upload/chat?file_type=100&to_type=3&to_id=${bob.userId}`, alice.token)).json(), { code: 10002 })
    const urls = (await get(`/file/upload/chat?file_type=100&to_type=1&to_id=${bob.userId}`, alice.token)).json().data
    const doc = Buffer.from('%PDF-1.4 any bytes at all')
    const done = await upload(urls.upload_url, doc)
    t.match(done.data, { download_url: urls.download_url, mime: 'application/octet-stream', size: doc.length })
    const path = urls.download_url.slice(PUBLIC_URL.length)
    t.match((await get(path)).json(), { code: 10003 }, 'a token is needed')
    const r = await get(path, bob.token)
    t.ok(r.rawPayload.equals(doc), 'the recipient reads it')
    const viaQuery = await get(`${path}&store_token=${bob.token}`)
    t.ok(viaQuery.rawPayload.equals(doc), 'or passes the token as store_token')

    const image = (await get(`/file/upload/chat?file_type=102&to_type=1&to_id=${bob.userId}`, alice.token)).json().data
    t.match(await upload(image.upload_url, doc), { code: 10018 }, 'an image slot takes images only')

    const sign = new URL(urls.download_url).searchParams.get('file_sign')
    const forwarded = (await get(`/file/upload/forward?file_sign=${sign}&to_type=1&to_id=${alice.userId}`, bob.token)).json()
    t.match(forwarded, { code: 200, data: /\/file\/download\/chat\?file_sign=[0-9a-f]{32}$/ })
    t.not(forwarded.data, urls.download_url)
    t.ok((await get(forwarded.data.slice(PUBLIC_URL.length), alice.token)).rawPayload.equals(doc))
    t.match((await get(`/file/upload/forward?file_sign=${'0'.repeat(32)}&to_type=1&to_id=${alice.userId}`, bob.token)).json(), { code: 20022 })
  })

  await t.test('tickets expire', async (t) => {
    let now = Date.now()
    const timed = await buildTestApp(t, { overrides: { now: () => now } })
    const user = await registerUser(timed)
    const urls = (await timed.inject({ method: 'GET', url: '/file/upload/avatar/user', headers: { 'access-token': user.token } })).json().data
    now += 3601_000
    const r = await timed.inject({ method: 'POST', url: urls.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })
    t.match(r.json(), { code: 10002, message: /expired/ })
  })
})

t.test('group files need the group: members upload chat files, admins the avatar', async (t) => {
  const app = await buildTestApp(t)
  const owner = await registerUser(app)
  const outsider = await registerUser(app)
  const created = await app.inject({ method: 'POST', url: '/group/create', headers: { 'access-token': owner.token }, payload: { name: 'files' } })
  const groupId = created.json().data.group_id
  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { 'access-token': token } }).then((r) => r.json())
  t.equal((await get(`/file/upload/avatar/group?group_id=${groupId}`, owner.token)).code, 200)
  t.match(await get(`/file/upload/avatar/group?group_id=${groupId}`, outsider.token), { code: 20002 })
  t.match(await get('/file/upload/avatar/group?group_id=99999999', owner.token), { code: 20001 })
  t.equal((await get(`/file/upload/chat?file_type=100&to_type=2&to_id=${groupId}`, owner.token)).code, 200)
  t.match(await get(`/file/upload/chat?file_type=100&to_type=2&to_id=${groupId}`, outsider.token), { code: 20002 })
})
