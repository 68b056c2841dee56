// IM facade groups (003, semantics §7): create with code and cover, list, join, invite by code, quit, users, dismiss, retrieve.
import t from 'tap'
import { readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { restAs } from '../helpers/groups.ts'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])

function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const boundary = '----facadetest'
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  if (file) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="cover.png"\r\nContent-Type: image/png\r\n\r\n`),
      file.content,
      Buffer.from('\r\n'),
    )
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

t.test('IM facade groups', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner')
  const friend = await registerUser(app, 'friend')
  const stranger = await registerUser(app, 'stranger')
  // Friends at once: the default auth_mode 0 takes every application.
  const befriended = await app.inject({ method: 'POST', url: '/roster/apply', headers: { 'access-token': owner.token }, payload: { user_id: friend.userId } })
  if (befriended.json().code !== 200) throw new Error(`befriending failed: ${befriended.body}`)
  const auth = (who: TestUser) => ({ authorization: `Token ${who.token}` })
  const call = async (who: TestUser | null, method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await app.inject({ method, url, headers: who ? auth(who) : {}, ...(payload ? { payload } : {}) })
    return { status: r.statusCode, body: r.json() }
  }
  const coversDir = join(app.config.DATA_DIR, 'files', 'covers')
  const storedCovers = () => (existsSync(coversDir) ? readdirSync(coversDir) : [])

  let groupId = 0

  await t.test('POST /api/im/group/: multipart with a cover and a face-to-face code; the creator is the first member', async (t) => {
    const { payload, headers } = multipart({ name: 'zhang111', code: '8888' }, { name: 'cover', content: PNG })
    const r = await app.inject({ method: 'POST', url: '/api/im/group/', payload, headers: { ...headers, ...auth(owner) } })
    t.equal(r.statusCode, 201)
    const body = r.json()
    t.same(Object.keys(body), ['id', 'name', 'code', 'cover'])
    t.match(
      body,
      { id: Number, name: 'zhang111', code: '8888', cover: new RegExp(`^${PUBLIC_URL}/media/group/[0-9a-f]{32}\\.png$`) },
      'at the path shape 003 prints',
    )
    groupId = body.id
    const cover = await app.inject({ method: 'GET', url: body.cover.slice(PUBLIC_URL.length) })
    t.equal(cover.statusCode, 200, 'the cover is served')
    t.same(cover.rawPayload, PNG)
    const info = await rest(owner, 'GET', `/group/info?group_id=${groupId}`)
    t.match(info.data, { owner_id: owner.userId, count: 1, name: 'zhang111' }, 'the same group on REST')
  })

  await t.test('create: form and JSON bodies without a trailing slash; bad input and bad covers leave nothing behind', async (t) => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/im/group',
      headers: { ...auth(owner), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=plain',
    })
    t.equal(form.statusCode, 201)
    t.same(
      form.json(),
      { id: form.json().id, name: 'plain', code: '', cover: `${PUBLIC_URL}/media/assets/media/avatar/default.jpg` },
      'the default cover, where 003 shows it',
    )
    const before = storedCovers().length
    t.equal(before, 1, "the first group's cover is on disk")
    const noName = multipart({ code: '1' }, { name: 'cover', content: PNG })
    const r = await app.inject({ method: 'POST', url: '/api/im/group/', payload: noName.payload, headers: { ...noName.headers, ...auth(owner) } })
    t.equal(r.statusCode, 400)
    t.same(r.json(), { detail: '群名称 name 不能为空，且不能超过 200 个字符' })
    const text = multipart({ name: 'x' }, { name: 'cover', content: Buffer.from('this is not an image at all') })
    const bad = await app.inject({ method: 'POST', url: '/api/im/group/', payload: text.payload, headers: { ...text.headers, ...auth(owner) } })
    t.equal(bad.statusCode, 415)
    t.equal(storedCovers().length, before, 'no stored file left behind')
    const huge = multipart({ name: 'x' }, { name: 'cover', content: Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]) })
    const tooBig = await app.inject({ method: 'POST', url: '/api/im/group/', payload: huge.payload, headers: { ...huge.headers, ...auth(owner) } })
    t.equal(tooBig.statusCode, 413, 'a cover over 5 MB')
    t.equal(storedCovers().length, before, 'nothing left behind either')
    const none = await app.inject({ method: 'POST', url: '/api/im/group/', payload: { name: 'x' } })
    t.equal(none.statusCode, 401)
    t.same(none.json(), { detail: '身份认证信息未提供。' })
  })

  await t.test("GET /api/im/group/: the caller's groups, paged like DRF", async (t) => {
    const r = await call(owner, 'GET', '/api/im/group/')
    t.equal(r.status, 200)
    t.match(r.body, { count: 2, next: null, previous: null })
    t.same(
      r.body.results.map((g: { name: string }) => g.name),
      ['zhang111', 'plain'],
    )
    const paged = await call(owner, 'GET', '/api/im/group?page_size=1')
    t.equal(paged.body.next, `${PUBLIC_URL}/api/im/group?page_size=1&page=2`)
    const second = await call(owner, 'GET', '/api/im/group/?page_size=1&page=2')
    t.equal(second.body.previous, `${PUBLIC_URL}/api/im/group/?page_size=1`)
    t.equal(second.body.results[0].name, 'plain')
    t.same((await call(stranger, 'GET', '/api/im/group/')).body, { count: 0, next: null, previous: null, results: [] })
  })

  await t.test('join/: a member adds a friend at once; the caller must be a member, the user must exist', async (t) => {
    const r = await call(owner, 'POST', `/api/im/group/${groupId}/join/`, { userid: friend.userId })
    t.equal(r.status, 200)
    t.same(r.body, { userid: String(friend.userId) })
    t.equal((await call(owner, 'POST', `/api/im/group/${groupId}/join`, { userid: friend.userId })).status, 400, 'already a member')
    t.equal((await call(stranger, 'POST', `/api/im/group/${groupId}/join/`, { userid: stranger.userId })).status, 403, 'not a member')
    t.equal((await call(owner, 'POST', `/api/im/group/${groupId}/join/`, { userid: 999999 })).status, 404)
    t.equal((await call(owner, 'POST', `/api/im/group/${groupId}/join/`, {})).status, 400)
    t.equal((await call(owner, 'POST', '/api/im/group/999999/join/', { userid: friend.userId })).status, 404)
  })

  await t.test('invite/: joining by the face-to-face code', async (t) => {
    const joiner = await registerUser(app)
    const wrong = await call(joiner, 'POST', `/api/im/group/${groupId}/invite/`, { code: '0000' })
    t.equal(wrong.status, 403, 'a wrong code is refused')
    t.same(wrong.body, { detail: '面对面建群号码不正确' })
    t.equal((await call(joiner, 'POST', `/api/im/group/${groupId}/invite/`, {})).status, 400)
    t.same(await call(joiner, 'POST', `/api/im/group/${groupId}/invite/`, { code: '8888' }), { status: 200, body: { detail: '操作成功' } })
    t.equal((await call(joiner, 'POST', `/api/im/group/${groupId}/invite/`, { code: '8888' })).status, 400, 'already a member')
    const plain = (await call(owner, 'GET', '/api/im/group/')).body.results.find((g: { name: string }) => g.name === 'plain')
    t.equal((await call(joiner, 'POST', `/api/im/group/${plain.id}/invite/`, { code: '' })).status, 400, 'a group without a code')
  })

  await t.test('users/: members only, paged exactly as printed with absolute links', async (t) => {
    await app.testDatabase.database.db
      .updateTable('users')
      .set({ nick_name: '稍等是', mobile: '15965972666', avatar: 'files/avatars/2.png' })
      .where('id', '=', friend.userId)
      .execute()
    const r = await call(owner, 'GET', `/api/im/group/${groupId}/users/?page_size=2`)
    t.equal(r.status, 200)
    t.same(Object.keys(r.body), ['count', 'next', 'previous', 'results'])
    t.equal(r.body.count, 3)
    t.equal(r.body.next, `${PUBLIC_URL}/api/im/group/${groupId}/users/?page_size=2&page=2`)
    t.equal(r.body.previous, null)
    t.same(r.body.results[0], { id: owner.userId, name: '', nick: '', avatar: `${PUBLIC_URL}/media/avatar/default.jpg`, username: 'owner', level: '' })
    const picture = await app.inject({ method: 'GET', url: '/media/avatar/default.jpg' })
    t.equal(picture.headers['content-type'], 'image/jpeg', 'the default picture is served where 003 shows it')
    t.same(r.body.results[1], { id: friend.userId, name: '', nick: '稍等是', avatar: `${PUBLIC_URL}/media/avatar/2.png`, username: '15965972666', level: '' })
    const last = await call(owner, 'GET', `/api/im/group/${groupId}/users?page_size=2&page=2`)
    t.match(last.body, { count: 3, next: null, previous: `${PUBLIC_URL}/api/im/group/${groupId}/users?page_size=2` })
    t.equal(last.body.results.length, 1)
    t.equal((await call(owner, 'GET', `/api/im/group/${groupId}/users/?page=9`)).status, 404)
    t.equal((await call(owner, 'GET', `/api/im/group/${groupId}/users/?page=x`)).status, 400)
    t.equal((await call(stranger, 'GET', `/api/im/group/${groupId}/users/`)).status, 403)
    t.equal((await call(null, 'GET', `/api/im/group/${groupId}/users/`)).status, 401)
  })

  await t.test('retrieve/: public; the code only for members', async (t) => {
    const anyone = await call(null, 'GET', `/api/im/retrieve/${groupId}/`)
    t.equal(anyone.status, 200)
    t.same(Object.keys(anyone.body), ['id', 'name', 'code', 'cover'])
    t.match(anyone.body, { id: groupId, name: 'zhang111', code: '' })
    t.equal((await call(stranger, 'GET', `/api/im/retrieve/${groupId}`)).body.code, '')
    t.equal((await call(friend, 'GET', `/api/im/retrieve/${groupId}/`)).body.code, '8888')
    t.equal((await call(null, 'GET', '/api/im/retrieve/999999/')).status, 404)
    const badToken = await app.inject({ method: 'GET', url: `/api/im/retrieve/${groupId}/`, headers: { authorization: `Token ${'x'.repeat(43)}` } })
    t.equal(badToken.statusCode, 401, 'a token, if sent, must be good')
  })

  await t.test('quit/: members leave, the owner cannot', async (t) => {
    t.same(await call(friend, 'GET', `/api/im/group/${groupId}/quit/`), { status: 200, body: { detail: '操作成功' } })
    t.equal((await call(friend, 'GET', `/api/im/group/${groupId}/quit`)).status, 403, 'no longer a member')
    t.equal((await call(owner, 'GET', `/api/im/group/${groupId}/quit/`)).status, 403)
  })

  await t.test('dismiss/: the owner only; the group is gone from the facade, REST info shows status 1', async (t) => {
    await call(owner, 'POST', `/api/im/group/${groupId}/join/`, { userid: friend.userId })
    t.equal((await call(friend, 'GET', `/api/im/group/${groupId}/dismiss/`)).status, 403)
    t.same(await call(owner, 'GET', `/api/im/group/${groupId}/dismiss/`), { status: 200, body: { detail: '操作成功' } })
    t.equal((await call(null, 'GET', `/api/im/retrieve/${groupId}/`)).status, 404)
    t.equal((await call(owner, 'GET', `/api/im/group/${groupId}/users/`)).status, 404)
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.status, 1)
  })

  await t.test("join/: the user must be the caller's friend", async (t) => {
    const own = (await app.inject({ method: 'POST', url: '/api/im/group/', headers: auth(owner), payload: { name: 'friends only' } })).json()
    const notAFriend = await call(owner, 'POST', `/api/im/group/${own.id}/join/`, { userid: stranger.userId })
    t.equal(notAFriend.status, 403, 'a user who is not a friend is refused')
    t.match(notAFriend.body, { detail: String })
    t.equal((await call(owner, 'POST', `/api/im/group/${own.id}/join/`, { userid: friend.userId })).status, 200, 'a friend joins')
  })
})
