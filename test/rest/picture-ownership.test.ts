// A stored picture belongs to who uploaded it (or the group it was uploaded for): nobody else can claim it, or get it deleted.
import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(300, 7)])

function multipart(field: string, content: Buffer, fields: Record<string, string> = {}) {
  const boundary = '----imgatewaypictures'
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  )
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      ...parts,
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  }
}

t.test('pictures belong to their uploader', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const alice = await registerUser(app, 'alice_pictures')
  const mallory = await registerUser(app, 'mallory_pictures')
  const served = async (url: string) => (await app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) })).statusCode
  const avatarOf = async (user: TestUser) => (await rest(user, 'GET', '/user/profile')).data.avatar as string
  const groupAvatar = async (user: TestUser, groupId: number) => (await rest(user, 'GET', `/group/info?group_id=${groupId}`)).data.avatar as string
  const uploadPhoto = async (user: TestUser) => {
    const m = multipart('userPhoto', PNG)
    const r = await app.inject({
      method: 'POST',
      url: '/user/user!uploadPhoto',
      headers: { ...m.headers, uid: String(user.userId), accessToken: user.token },
      payload: m.payload,
    })
    t.match(r.json(), { success: true }, 'uploadPhoto')
    return avatarOf(user)
  }
  /** Through an upload ticket: answers the ticket's download_url and the stored file's URL. */
  const uploadTicket = async (user: TestUser, path: string) => {
    const urls = (await rest(user, 'GET', path)).data
    const m = multipart('file', PNG)
    const done = (await app.inject({ method: 'POST', url: urls.upload_url.slice(PUBLIC_URL.length), ...m })).json()
    return { ticketUrl: urls.download_url as string, fileUrl: done.data.download_url as string }
  }
  const relative = (url: string) => url.slice(PUBLIC_URL.length + 1)

  const aliceAvatar = await uploadPhoto(alice)
  const cover = await app.inject({
    method: 'POST',
    url: '/api/im/group/',
    headers: { authorization: `Token ${alice.token}`, ...multipart('cover', PNG, { name: 'alice group' }).headers },
    payload: multipart('cover', PNG, { name: 'alice group' }).payload,
  })
  t.equal(cover.statusCode, 201)
  const aliceGroup = cover.json().id as number
  const aliceCover = await groupAvatar(alice, aliceGroup)
  t.equal(cover.json().cover, aliceCover.replace('/files/covers/', '/media/group/'), 'the facade shows the same file at the path 003 prints')
  /** Every URL path this server shows a stored file at: the store's own and the documents' (000/001, 003). */
  const documented = (url: string) =>
    [
      url.replace('/files/avatars/', '/upload/images/userPhoto/'),
      url.replace('/files/avatars/', '/media/avatar/'),
      url.replace('/files/covers/', '/media/group/'),
    ].filter((alias) => alias !== url)

  await t.test("someone else's avatar or a group's cover cannot be claimed, in any writing, and so is never deleted", async (t) => {
    for (const [what, url] of [
      ['avatar', aliceAvatar],
      ['cover', aliceCover],
    ] as const) {
      for (const writing of [
        url,
        relative(url),
        `/${relative(url)}`,
        `${PUBLIC_URL}/file/download/avatar?object_name=${relative(url).slice('files/'.length)}`,
        ...documented(url),
        ...documented(url).map(relative),
      ]) {
        t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: writing }), { code: 10010, message: /upload/ }, `${what} as ${writing}`)
        // The attack: replace "one's" avatar with a new upload, which removed the old picture by its path.
        await uploadPhoto(mallory)
        t.equal(await served(url), 200, `alice's ${what} is still there`)
      }
    }
    const malloryGroup = await createGroup(app, mallory, { name: 'mallory group' })
    t.match(await rest(mallory, 'POST', '/group/info/avatar', { group_id: malloryGroup, value: aliceCover }), { code: 10010 }, "another group's cover")
    t.match(
      await rest(mallory, 'POST', '/group/info/avatar', { group_id: malloryGroup, value: relative(aliceAvatar) }),
      { code: 10010 },
      "someone's avatar as a group avatar",
    )
    t.match(await rest(mallory, 'POST', '/group/create', { name: 'with a stolen cover', avatar: aliceCover }), { code: 10010 }, 'nor at create')

    await uploadPhoto(mallory)
    await uploadPhoto(mallory)
    t.equal(await served(aliceAvatar), 200, "alice's avatar is still there")
    t.equal(await served(aliceCover), 200, "the group's cover is still there")
    t.equal(await avatarOf(alice), aliceAvatar)
  })

  await t.test("one's own uploads are accepted in any writing; replacing one deletes it unless something else shows it", async (t) => {
    const first = await uploadTicket(mallory, '/file/upload/avatar/user')
    t.match(
      await rest(mallory, 'POST', '/user/avatar', { avatar: first.ticketUrl }),
      { code: 200 },
      'the upload URL answer’s download_url, as the MaxIM SDK sends it',
    )
    t.equal(await avatarOf(mallory), first.fileUrl, 'stored as the file it names')
    const second = await uploadTicket(mallory, '/file/upload/avatar/user')
    t.match(await rest(mallory, 'PUT', '/user/avatar', { avatar: second.fileUrl }), { code: 200 })
    t.equal(await served(first.fileUrl), 404, 'the replaced upload is removed')
    t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: relative(second.fileUrl) }), { code: 200 }, 'setting the same picture again changes nothing')
    t.equal(await served(second.fileUrl), 200)

    // Alice shows her own upload as her avatar and as her group's: replacing one keeps it for the other.
    const shared = await uploadTicket(alice, '/file/upload/avatar/user')
    t.match(await rest(alice, 'POST', '/user/avatar', { avatar: shared.fileUrl }), { code: 200 })
    t.equal(await served(aliceAvatar), 404, 'her replaced avatar (uploadPhoto) is removed')
    t.match(
      await rest(alice, 'POST', '/group/info/avatar', { group_id: aliceGroup, value: shared.fileUrl }),
      { code: 200 },
      'a group avatar may be one of the caller’s uploads',
    )
    t.equal(await served(aliceCover), 404, "the group's own replaced cover is removed")
    await uploadPhoto(alice)
    t.equal(await served(shared.fileUrl), 200, 'still the group avatar: kept')

    // A picture uploaded for the group belongs to the group: any admin may show it; a replaced one goes.
    const forGroup = await uploadTicket(alice, `/file/upload/avatar/group?group_id=${aliceGroup}`)
    t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: forGroup.fileUrl }), { code: 10010 })
    t.match(await rest(alice, 'POST', '/group/info/avatar', { group_id: aliceGroup, value: forGroup.ticketUrl }), { code: 200 })
    t.equal(await groupAvatar(alice, aliceGroup), forGroup.fileUrl)
    t.equal(await served(shared.fileUrl), 200, 'alice’s own upload is not the group’s to delete')
    const next = await uploadTicket(alice, `/file/upload/avatar/group?group_id=${aliceGroup}`)
    t.match(await rest(alice, 'POST', '/group/info/avatar', { group_id: aliceGroup, value: next.fileUrl }), { code: 200 })
    t.equal(await served(forGroup.fileUrl), 404, 'the group’s replaced upload is removed')
  })

  await t.test('external URLs are kept as given and never deleted; other values are refused', async (t) => {
    t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: 'https://cdn.example/m.png' }), { code: 200 })
    t.equal(await avatarOf(mallory), 'https://cdn.example/m.png')
    t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: '' }), { code: 200 }, 'cleared')
    for (const bad of ['avatars/whatever.png', 'javascript:alert(1)', '../files/covers/x.png']) {
      t.match(await rest(mallory, 'POST', '/user/avatar', { avatar: bad }), { code: 10002, message: /http/ }, bad)
    }
  })

  await t.test('a user of another app cannot claim a file of this one', async (t) => {
    const db = app.testDatabase.database.db
    await db.insertInto('apps').values({ id: 'pictures-app-b', name: 'b' }).execute()
    const other = (
      await db
        .insertInto('users')
        .values({ app_id: 'pictures-app-b', username: 'app_b_user', mobile: null, email: null, password_hash: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    const issued = await app.services.accounts.issueToken('pictures-app-b', other)
    const r = await app.inject({
      method: 'POST',
      url: '/user/avatar',
      headers: { 'access-token': issued.token, app_id: 'pictures-app-b' },
      payload: { avatar: aliceAvatar },
    })
    t.match(r.json(), { code: 10010 })
  })
})
