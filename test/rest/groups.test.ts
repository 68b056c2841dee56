// REST /group: create, info, settings and their setters, info updates under member_modify, admins, transfer, destroy, lists.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { sendText } from '../helpers/messages.ts'
import { framesOf, listen, openSocket, pause } from '../helpers/sockets.ts'

t.test('REST groups: lifecycle, information, settings and roles', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner')
  const admin = await registerUser(app, 'admin')
  const member = await registerUser(app, 'member')
  const outsider = await registerUser(app, 'outsider')

  await t.test('create: defaults of semantics §5, the owner and the user_list as members, ext project fields', async (t) => {
    const r = await rest(owner, 'POST', '/group/create', {
      name: 'Project X',
      description: 'about X',
      avatar: 'https://cdn.example/x.png',
      type: 1,
      user_list: [admin.userId, member.userId],
      ext: JSON.stringify({ projectName: '悦尚九鲜', groupType: 2 }),
    })
    t.equal(r.code, 200)
    t.match(r.data, {
      group_id: Number,
      name: 'Project X',
      description: 'about X',
      avatar: 'https://cdn.example/x.png',
      type: 1,
      status: 0,
      owner_id: owner.userId,
      member_invite: true,
      member_modify: false,
      apply_approval: 1,
      read_ack: false,
      history_visible: false,
      ban_expire_time: 0,
      ext: JSON.stringify({ projectName: '悦尚九鲜', groupType: 2 }),
      msg_mute_mode: 0,
      msg_push_mode: 0,
      count: 3,
    })
    t.ok(r.data.created_at > Date.now() - 60_000 && r.data.created_at <= Date.now(), 'created_at is epoch ms')
    const members = await rest(owner, 'GET', `/group/member_list?group_id=${r.data.group_id}`)
    t.same(
      members.data.map((m: { user_id: number }) => m.user_id),
      [owner.userId, admin.userId, member.userId],
      'owner first, then the user_list in order',
    )
    t.equal(members.total, 3)
    t.notOk('cursor' in members, 'no cursor on the last page')
  })

  const groupId = await createGroup(app, owner, { name: 'Team' }, [admin, member])
  t.equal((await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] })).code, 200)

  await t.test('create refuses bad input and unknown users; auth is required', async (t) => {
    t.match(await rest(owner, 'POST', '/group/create', {}), { code: 10002, message: /name/ })
    t.match(await rest(owner, 'POST', '/group/create', { name: 'x', type: 7 }), { code: 10002 })
    t.match(await rest(owner, 'POST', '/group/create', { name: 'x', user_list: [999999] }), { code: 10000 })
    t.match(await rest(owner, 'POST', '/group/create', { name: 'x', ext: '{"groupType":5}' }), { code: 10002, message: /groupType/ })
    const none = await app.inject({ method: 'POST', url: '/group/create', payload: { name: 'x' } })
    t.same(none.json(), { code: 10003, message: 'access-token header is missing', data: null })
    t.match(await rest(ADMIN_TOKEN, 'POST', '/group/create', { name: 'x' }), { code: 10002, message: /user_id/ }, 'the admin token must name a user')
    const asUser = await rest(ADMIN_TOKEN, 'POST', '/group/create', { name: 'by admin' }, { user_id: String(outsider.userId) })
    t.equal(asUser.data.owner_id, outsider.userId, 'with user_id the admin token creates as that user')
  })

  await t.test("info and settings: anyone of the app reads; the caller's own message modes; unknown group 20001", async (t) => {
    const info = await rest(outsider, 'GET', `/group/info?group_id=${groupId}`)
    t.match(info.data, { group_id: groupId, name: 'Team', owner_id: owner.userId, count: 3, capacity: Number })
    const settings = await rest(member, 'GET', `/group/settings?group_id=${groupId}`)
    t.equal(settings.data.group_id, groupId)
    t.match(await rest(member, 'GET', '/group/info?group_id=999999'), { code: 20001, data: null })
    t.match(await rest(member, 'GET', '/group/info?group_id=abc'), { code: 10002 })
    t.match(await rest(member, 'GET', '/group/info'), { code: 10002, message: /group_id/ })
    const batch = await rest(member, 'POST', '/group/info/batch', { group_list: [groupId, 999999] })
    t.equal(batch.data.length, 1, 'unknown groups are left out')
    t.match(batch.data[0], { group_id: groupId, owner: owner.userId, count: 3, name: 'Team', status: 0 })
    await rest(member, 'POST', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 3 })
    t.equal((await rest(member, 'POST', '/group/info/batch', { group_list: [groupId] })).data[0].msg_push_mode, 3, "the caller's own mode")
    await rest(member, 'POST', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 0 })
  })

  await t.test('name, description, avatar, ext: admins always, members only while member_modify is on', async (t) => {
    const set = (who: typeof owner, field: string, value: string) => rest(who, 'POST', `/group/info/${field}`, { group_id: groupId, value })
    t.match(await set(admin, 'name', 'Renamed'), { code: 200, data: { name: 'Renamed' } })
    t.match(await set(owner, 'description', 'new description'), { code: 200, data: { description: 'new description' } })
    const put = await rest(admin, 'PUT', '/group/info/avatar', { group_id: groupId, value: 'https://cdn.example/a.png' })
    t.equal(put.data.avatar, 'https://cdn.example/a.png', 'PUT twin')
    t.match(await set(member, 'name', 'Nope'), { code: 20012 }, 'a member while member_modify is off')
    t.match(await set(outsider, 'name', 'Nope'), { code: 20002 }, 'a non-member')
    t.match(
      await rest(member, 'POST', '/group/settings/allow_member_modify', { group_id: groupId, value: true }),
      { code: 20012 },
      'members cannot change settings',
    )
    t.match(await rest(admin, 'POST', '/group/settings/allow_member_modify', { group_id: groupId, value: true }), { code: 200, data: true })
    t.match(await set(member, 'name', 'By a member'), { code: 200, data: { name: 'By a member' } })
    const ext = await set(member, 'ext', JSON.stringify({ projectName: 'P2', groupType: '1', other: 1 }))
    t.equal(ext.data.ext, JSON.stringify({ projectName: 'P2', groupType: '1', other: 1 }), 'ext kept as sent')
    t.match(await set(member, 'ext', 'not json at all'), { code: 200, data: { ext: 'not json at all' } }, 'ext need not be JSON')
    t.match(await rest(member, 'POST', '/group/info/name', { group_id: groupId }), { code: 10002, message: /value/ })
  })

  await t.test('settings setters: admins only, each visible in settings; POST and PUT twins', async (t) => {
    const flags: Array<[string, string]> = [
      ['allow_member_invitation', 'member_invite'],
      ['enable_read_ack', 'read_ack'],
      ['history_visible', 'history_visible'],
    ]
    for (const [path, key] of flags) {
      const before = (await rest(member, 'GET', `/group/settings?group_id=${groupId}`)).data[key]
      t.match(await rest(member, 'PUT', `/group/settings/${path}`, { group_id: groupId, value: !before }), { code: 20012 }, `${path}: member refused`)
      t.match(await rest(admin, 'PUT', `/group/settings/${path}`, { group_id: groupId, value: !before }), { code: 200, data: true })
      t.equal((await rest(member, 'GET', `/group/settings?group_id=${groupId}`)).data[key], !before, `${key} flipped`)
      t.match(await rest(admin, 'POST', `/group/settings/${path}`, { group_id: groupId, value: 'maybe' }), { code: 10002 })
    }
    t.match(await rest(admin, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 0 }), { code: 200, data: true })
    t.equal((await rest(member, 'GET', `/group/settings?group_id=${groupId}`)).data.apply_approval, 0)
    t.match(await rest(admin, 'PUT', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 3 }), { code: 10002 })
    await rest(admin, 'PUT', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 1 })
  })

  await t.test('ban_all and unban_all: admins; ban_expire_time in seconds, -1 forever', async (t) => {
    const r = await rest(admin, 'POST', '/group/settings/ban_all', { group_id: groupId, duration: 10 })
    const expected = Math.floor(Date.now() / 1000) + 600
    t.ok(Math.abs(r.data.ban_expire_time - expected) <= 2, 'now + 10 minutes, in seconds')
    t.equal((await rest(member, 'GET', `/group/info?group_id=${groupId}`)).data.ban_expire_time, r.data.ban_expire_time)
    t.match(await rest(admin, 'POST', '/group/settings/ban_all', { group_id: groupId, duration: -1 }), { data: { ban_expire_time: -1 } })
    t.match(await rest(admin, 'POST', '/group/settings/ban_all', { group_id: groupId, duration: 0 }), { code: 10002 })
    t.match(await rest(member, 'POST', '/group/settings/ban_all', { group_id: groupId, duration: 5 }), { code: 20012 })
    t.match(await rest(member, 'POST', '/group/settings/unban_all', { group_id: groupId }), { code: 20012 })
    t.match(await rest(owner, 'POST', '/group/settings/unban_all', { group_id: groupId }), { code: 200, data: true })
    t.equal((await rest(member, 'GET', `/group/info?group_id=${groupId}`)).data.ban_expire_time, 0)
  })

  await t.test('admins: only the owner adds and removes; per-user results; admin_list', async (t) => {
    t.match(await rest(admin, 'POST', '/group/admin/add', { group_id: groupId, user_list: [member.userId] }), { code: 20013 })
    const add = await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [member.userId, outsider.userId, owner.userId] })
    t.same(add.data, [
      { reason: '', result: 'success', user_id: member.userId },
      { reason: 'not a member of the group', result: 'fail', user_id: outsider.userId },
      { reason: 'the owner is not an admin', result: 'fail', user_id: owner.userId },
    ])
    const list = await rest(outsider, 'GET', `/group/admin_list?group_id=${groupId}`)
    t.match(list, { code: 20002 }, 'non-members cannot list admins')
    const admins = await rest(member, 'GET', `/group/admin_list?group_id=${groupId}`)
    t.same(admins.data.map((a: { user_id: number }) => a.user_id).sort(), [admin.userId, member.userId].sort())
    t.match(admins.data[0], { display_name: '', join_time: Number, user_id: Number })
    const remove = await app.inject({
      method: 'DELETE',
      url: '/group/admin/remove',
      headers: { 'access-token': owner.token },
      payload: { group_id: groupId, user_list: [member.userId] },
    })
    t.same(remove.json().data, [{ reason: '', result: 'success', user_id: member.userId }], 'DELETE twin')
    t.equal((await rest(member, 'GET', `/group/admin_list?group_id=${groupId}`)).data.length, 1)
  })

  await t.test("display names, message modes: one's own; members/display_name for members", async (t) => {
    t.match(await rest(member, 'PUT', '/group/display_name', { group_id: groupId, value: 'Card' }), { code: 200, data: true })
    t.match(await rest(outsider, 'POST', '/group/display_name', { group_id: groupId, value: 'x' }), { code: 20002 })
    const names = await rest(admin, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [member.userId, outsider.userId] })
    t.same(
      names.data.map((m: { user_id: number; display_name: string }) => [m.user_id, m.display_name]),
      [[member.userId, 'Card']],
    )
    t.match(await rest(outsider, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [member.userId] }), { code: 20002 })

    t.match(await rest(member, 'POST', '/group/msg/mute_mode', { group_id: groupId, msg_mute_mode: 2 }), { code: 200, data: { msg_mute_mode: 2 } })
    t.match(await rest(member, 'PUT', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 4 }), {
      code: 200,
      data: { msg_push_mode: 4, msg_mute_mode: 2 },
    })
    t.match(await rest(member, 'POST', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 5 }), { code: 20003 })
    t.match(await rest(member, 'POST', '/group/msg/mute_mode', { group_id: groupId, msg_mute_mode: 3 }), { code: 10002 })
    t.match(await rest(outsider, 'POST', '/group/msg/mute_mode', { group_id: groupId, msg_mute_mode: 1 }), { code: 20002 })
    t.equal((await rest(admin, 'GET', `/group/info?group_id=${groupId}`)).data.msg_push_mode, 0, 'modes are per member')
    // What mode 2 means to a client: the member's socket is not sent the group's messages.
    const url = await listen(app)
    const [adminSocket, memberSocket] = [await openSocket(url, admin.token), await openSocket(url, member.token)]
    const msgId = await sendText(app, owner.token, groupId, 'to the receiving members', 2)
    t.match(await adminSocket.next((f) => f.type === 'message'), { msg_id: msgId, conversation: { type: 2, id: groupId } }, 'mode 0 receives')
    await pause(200)
    t.same(framesOf(memberSocket, 'message'), [], 'msg_mute_mode 2 receives nothing')
    for (const s of [adminSocket, memberSocket]) await s.close()
  })

  await t.test('user_joined and public_list', async (t) => {
    const joined = await rest(member, 'GET', '/group/user_joined')
    t.ok(joined.data.includes(groupId))
    t.notOk((await rest(outsider, 'GET', '/group/user_joined')).data.includes(groupId))
    const publicGroup = await createGroup(app, outsider, { name: 'open', type: 1 })
    const listed = await rest(member, 'GET', '/group/public_list')
    t.ok(listed.data.includes(publicGroup) && !listed.data.includes(groupId), 'public groups only')
  })

  await t.test('the admin token: group_id header acts as an admin of that group only', async (t) => {
    const headers = { group_id: String(groupId) }
    t.match(await rest(ADMIN_TOKEN, 'POST', '/group/info/name', { group_id: groupId, value: 'By app admin' }, headers), {
      code: 200,
      data: { name: 'By app admin' },
    })
    const other = await createGroup(app, outsider, { name: 'other' })
    t.match(
      await rest(ADMIN_TOKEN, 'POST', '/group/info/name', { group_id: other, value: 'x' }, headers),
      { code: 10010 },
      'another group than the header names',
    )
    t.match(await rest(ADMIN_TOKEN, 'POST', '/group/destroy', { group_id: groupId }, headers), { code: 20013 }, 'dismissing needs the owner')
    const asMember = await rest(
      ADMIN_TOKEN,
      'POST',
      '/group/info/description',
      { group_id: groupId, value: 'raised' },
      { user_id: String(outsider.userId), group_id: String(groupId) },
    )
    t.equal(asMember.code, 200, 'user_id + group_id: that user, as an admin of the group')
  })

  await t.test('transfer: owner only, to a member; the old owner stays as a member', async (t) => {
    t.match(await rest(admin, 'POST', '/group/transfer', { group_id: groupId, new_owner: member.userId }), { code: 20013 })
    t.match(await rest(owner, 'POST', '/group/transfer', { group_id: groupId, new_owner: outsider.userId }), { code: 20005 })
    const r = await rest(owner, 'PUT', '/group/transfer', { group_id: groupId, new_owner: member.userId })
    t.same(r, { code: 200, message: null, data: { reason: '', result: 'success', user_id: member.userId } })
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.owner_id, member.userId)
    t.match(
      await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] }),
      { code: 20013 },
      'the old owner lost the owner rights',
    )
  })

  await t.test('destroy: owner only; then 20001 everywhere but info, which shows status 1', async (t) => {
    t.match(await rest(admin, 'POST', `/group/destroy?group_id=${groupId}`), { code: 20013 })
    t.match(await rest(owner, 'POST', `/group/destroy?group_id=${groupId}`), { code: 20013 }, 'no longer the owner')
    const destroyed = await app.inject({ method: 'DELETE', url: `/group/destroy?group_id=${groupId}`, headers: { 'access-token': member.token } })
    t.same(destroyed.json(), { code: 200, message: null, data: true })
    t.match(await rest(member, 'GET', `/group/info?group_id=${groupId}`), { code: 200, data: { status: 1 } })
    for (const [method, url, body] of [
      ['GET', `/group/settings?group_id=${groupId}`, undefined],
      ['GET', `/group/member_list?group_id=${groupId}`, undefined],
      ['POST', '/group/info/name', { group_id: groupId, value: 'x' }],
      ['POST', '/group/apply', { group_id: groupId }],
      ['POST', `/group/leave?group_id=${groupId}`, undefined],
      ['POST', '/group/announcement/edit', { group_id: groupId, content: 'x' }],
    ] as const) {
      t.match(await rest(member, method, url, body), { code: 20001 }, `${method} ${url}`)
    }
    t.notOk((await rest(admin, 'GET', '/group/user_joined')).data.includes(groupId), 'gone from user_joined')
  })

  await t.test('group avatar paths of our own store are absolute URLs', async (t) => {
    // A picture the owner uploaded (test/rest/picture-ownership.test.ts uploads for real).
    await app.testDatabase.database.db
      .insertInto('stored_files')
      .values({ path: 'covers/0123456789abcdef0123456789abcdef.png', app_id: 'default', owner_user_id: owner.userId, owner_group_id: null, kind: 'picture' })
      .execute()
    const g = await createGroup(app, owner, { name: 'with stored avatar', avatar: 'files/covers/0123456789abcdef0123456789abcdef.png' })
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${g}`)).data.avatar, `${PUBLIC_URL}/files/covers/0123456789abcdef0123456789abcdef.png`)
  })
})
