// joinGroup is an application (000 申请入群): the group's apply_approval decides; each surface's create says which default applies.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'

t.test('legacy joinGroup under each apply_approval', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner')
  const admin = await registerUser(app, 'admin')
  const join = async (who: TestUser, groupId: number) =>
    (
      await app.inject({
        method: 'POST',
        url: '/chat/group!joinGroup',
        headers: { uid: String(who.userId), accessToken: who.token },
        payload: { groupId: String(groupId) },
      })
    ).json()
  const groupList = async (who: TestUser) =>
    (
      await app.inject({
        method: 'POST',
        url: '/chat/group!groupList',
        headers: { uid: String(who.userId), accessToken: who.token },
      })
    )
      .json()
      .groupList.map((g: { groupId: string }) => Number(g.groupId))
  const approval = async (groupId: number) => (await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.apply_approval

  await t.test('a REST group asks an admin (apply_approval 1): the application waits, admins see and decide it on REST', async (t) => {
    const groupId = await createGroup(app, owner, { name: 'asks' }, [admin])
    await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] })
    t.equal(await approval(groupId), 1, "REST create keeps semantics §5's default")
    const applicant = await registerUser(app, 'applicant')
    t.same(await join(applicant, groupId), { success: true, info: '申请入群成功' }, 'the answer old apps expect')
    t.same(await groupList(applicant), [], 'not a member yet')
    const pending = await rest(admin, 'POST', '/group/application_list', { group_list: [groupId] })
    t.match(pending.data, [{ applicant_id: applicant.userId, group_id: groupId, status: 0 }], 'an admin sees the application')
    t.same(await join(applicant, groupId), { success: true, info: '申请入群成功' }, 'applying again renews it')
    t.equal((await rest(admin, 'POST', '/group/application_list', { group_list: [groupId] })).data.length, 1, 'one application, not two')
    t.match(await rest(admin, 'POST', '/group/apply/handle', { group_id: groupId, user_id: applicant.userId, approval: true }), { code: 200 })
    t.same(await groupList(applicant), [groupId], "admitted by the admin's decision")
    const declined = await registerUser(app)
    await join(declined, groupId)
    await rest(owner, 'POST', '/group/apply/handle', { group_id: groupId, user_id: declined.userId, approval: false })
    t.same(await groupList(declined), [], 'a declined application admits nobody')
  })

  await t.test('apply_approval 0 admits at once, 2 refuses with a clear info; a blocked user and a member are refused', async (t) => {
    const open = await createGroup(app, owner, { name: 'open' })
    await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: open, apply_approval: 0 })
    const joiner = await registerUser(app)
    t.same(await join(joiner, open), { success: true, info: '申请入群成功' })
    t.same(await groupList(joiner), [open], 'in at once')
    t.same(await join(joiner, open), { success: false, info: '您已是该群成员', code: 20017 })

    const closed = await createGroup(app, owner, { name: 'closed' })
    await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: closed, apply_approval: 2 })
    t.same(await join(joiner, closed), { success: false, info: '该群不接受入群申请', code: 10010 })
    t.same(await groupList(joiner), [open])
    t.equal((await rest(owner, 'POST', '/group/application_list', { group_list: [closed] })).data.length, 0, 'nothing recorded')

    const blocked = await registerUser(app)
    await rest(owner, 'POST', '/group/block', { group_id: open, user_list: [blocked.userId] })
    t.same(await join(blocked, open), { success: false, info: '您已被该群拉黑', code: 20018 })
    await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: open, apply_approval: 1 })
    t.same(await join(blocked, open), { success: false, info: '您已被该群拉黑', code: 20018 }, 'not even an application')
  })

  await t.test("facade groups default to 000's project groups (apply_approval 0), unless a face-to-face code is the way in", async (t) => {
    const facade = async (payload: object) =>
      (await app.inject({ method: 'POST', url: '/api/im/group/', headers: { authorization: `Token ${owner.token}` }, payload })).json()
    const plain = (await facade({ name: 'facade plain' })).id
    const coded = (await facade({ name: 'facade coded', code: '2468' })).id
    t.equal(await approval(plain), 0)
    t.equal(await approval(coded), 1)
    const joiner = await registerUser(app)
    t.same(await join(joiner, plain), { success: true, info: '申请入群成功' })
    t.same(await join(joiner, coded), { success: true, info: '申请入群成功' })
    t.same(await groupList(joiner), [plain], 'the coded group waits for an admin: the code is not bypassed by applying')
  })

  await t.test('getGroupDetail: outsiders see the group and its members without phone numbers; members see them', async (t) => {
    await app.testDatabase.database.db.updateTable('users').set({ mobile: '13622222222' }).where('id', '=', admin.userId).execute()
    const groupId = await createGroup(app, owner, { name: 'phones' }, [admin])
    const detail = async (who: TestUser) =>
      (
        await app.inject({
          method: 'POST',
          url: '/chat/group!getGroupDetail',
          headers: { uid: String(who.userId), accessToken: who.token },
          payload: { groupId: String(groupId) },
        })
      ).json()
    const outsider = await registerUser(app)
    const seen = await detail(outsider)
    t.match(seen, { success: true, info: '获取群详情成功', groupInfo: { groupId: String(groupId), groupName: 'phones' } })
    t.same(
      seen.userList.map((u: { userId: number; phoneNumber: string }) => [u.userId, u.phoneNumber]),
      [
        [owner.userId, ''],
        [admin.userId, ''],
      ],
    )
    t.same(
      (await detail(owner)).userList.map((u: { phoneNumber: string }) => u.phoneNumber),
      ['', '13622222222'],
      'a member sees the number',
    )
  })
})
