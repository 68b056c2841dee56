// One group across the three surfaces: created on REST with a project, applied to on legacy and admitted on REST, added to on the facade,
// renamed by its owner with a facade-issued token, listed everywhere alike, and a member kicked on legacy gone from REST.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { md5, befriend, registerUser } from '../helpers/users.ts'
import { restAs } from '../helpers/groups.ts'

t.test('one group, three surfaces', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner', 'owner-pass')
  const legacyUser = await registerUser(app, 'legacy_user', 'legacy-pass')
  const facadeUser = await registerUser(app, 'facade_user')
  await befriend(app, owner, facadeUser) // the facade's join/ adds friends only

  const legacyLogin = async (name: string, password: string) => {
    const r = await app.inject({ method: 'POST', url: '/user/user!login', payload: { 'userVO.userName': name, 'userVO.password': md5(password) } })
    return { uid: r.headers.uid as string, accessToken: r.headers.accesstoken as string }
  }
  const legacy = async (session: { uid: string; accessToken: string }, method: string, fields: Record<string, string> = {}) =>
    (await app.inject({ method: 'POST', url: `/chat/group!${method}`, headers: session, payload: fields })).json()
  const facade = async (token: string, method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await app.inject({ method, url, headers: { authorization: `Token ${token}` }, ...(payload ? { payload } : {}) })
    return { status: r.statusCode, body: r.json() }
  }

  // 1. Created on REST with a project name and kind.
  const created = await rest(owner, 'POST', '/group/create', { name: '悦尚九鲜项目群', ext: JSON.stringify({ projectName: '悦尚九鲜', groupType: 2 }) })
  t.equal(created.code, 200)
  const groupId: number = created.data.group_id

  // 2. Applied to on legacy (a REST group asks an admin: apply_approval 1), admitted by the owner on REST.
  const legacySession = await legacyLogin('legacy_user', 'legacy-pass')
  t.same(await legacy(legacySession, 'joinGroup', { groupId: String(groupId) }), { success: true, info: '申请入群成功' })
  t.same((await legacy(legacySession, 'groupList')).groupList, [], 'not in yet: the application waits')
  t.match(await rest(owner, 'POST', '/group/apply/handle', { group_id: groupId, user_id: legacyUser.userId, approval: true }), { code: 200 })
  const listed = await legacy(legacySession, 'groupList')
  t.same(
    listed.groupList,
    [
      {
        groupId: String(groupId),
        projectName: '悦尚九鲜',
        groupName: '悦尚九鲜项目群',
        type: '2',
        introduction: '',
        notice: '',
        creator_id: String(owner.userId),
      },
    ],
    'the REST project fields on legacy',
  )

  // 3. The owner, with a token the facade issued, adds a friend on the facade and renames the group.
  const facadeKey = (await facade(owner.token, 'GET', '/api/im/token/')).body.key as string
  t.same(await facade(facadeKey, 'POST', `/api/im/group/${groupId}/join/`, { userid: facadeUser.userId }), {
    status: 200,
    body: { userid: String(facadeUser.userId) },
  })
  t.match(await rest(facadeKey, 'POST', '/group/info/name', { group_id: groupId, value: '悦尚九鲜股东群' }), { code: 200, data: { name: '悦尚九鲜股东群' } })
  t.equal((await facade(facadeUser.token, 'GET', `/api/im/retrieve/${groupId}/`)).body.name, '悦尚九鲜股东群', 'the new name on the facade')
  t.equal((await legacy(legacySession, 'groupList')).groupList[0].groupName, '悦尚九鲜股东群', 'and on legacy')

  // 4. The same members, in the same order, on all three surfaces.
  const expected = [owner.userId, legacyUser.userId, facadeUser.userId]
  const onRest = (await rest(owner, 'GET', `/group/member_list?group_id=${groupId}`)).data.map((m: { user_id: number }) => m.user_id)
  const onLegacy = (await legacy(legacySession, 'getGroupDetail', { groupId: String(groupId) })).userList.map((u: { userId: number }) => u.userId)
  const onFacade = (await facade(facadeUser.token, 'GET', `/api/im/group/${groupId}/users/`)).body.results.map((u: { id: number }) => u.id)
  t.same(onRest, expected, 'REST member_list')
  t.same(onLegacy, expected, 'legacy getGroupDetail')
  t.same(onFacade, expected, 'facade users/')
  const types = (await legacy(legacySession, 'getGroupDetail', { groupId: String(groupId) })).userList.map((u: { user_type: string }) => u.user_type)
  t.same(types, ['1', '3', '3'], 'the REST owner is the legacy 群主')

  // 5. The owner kicks the legacy member on legacy; REST and the facade no longer list it.
  const ownerSession = await legacyLogin('owner', 'owner-pass')
  t.same(await legacy(ownerSession, 'deleteUser', { groupId: String(groupId), groupUserId: String(legacyUser.userId) }), {
    success: true,
    info: '已成功踢出成员legacy_user',
  })
  t.same(
    (await rest(owner, 'GET', `/group/member_list?group_id=${groupId}`)).data.map((m: { user_id: number }) => m.user_id),
    [owner.userId, facadeUser.userId],
  )
  t.notOk((await rest(legacyUser, 'GET', '/group/user_joined')).data.includes(groupId))
  t.same((await facade(owner.token, 'GET', `/api/im/group/${groupId}/users/`)).body.count, 2)
  t.same((await legacy(legacySession, 'groupList')).groupList, [], "gone from the kicked user's legacy list")
})
