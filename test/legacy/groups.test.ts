// Legacy chat/group!* (000) and group!setingGroup (001): bodies exactly as printed, the legacy rules, the mapping of semantics §6.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('legacy group actions', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const legacy = async (who: TestUser, method: string, fields: Record<string, string> = {}) => {
    const r = await app.inject({
      method: 'POST',
      url: `/chat/group!${method}`,
      headers: { ...FORM, uid: String(who.userId), accessToken: who.token, client: 'C1' },
      payload: new URLSearchParams(fields).toString(),
    })
    t.equal(r.statusCode, 200)
    return { body: r.body, json: r.json(), headers: r.headers }
  }
  const owner = await registerUser(app, 'owner')
  const admin = await registerUser(app, 'admin')
  const member = await registerUser(app, 'member')
  const joiner = await registerUser(app, 'joiner')
  const db = app.testDatabase.database.db
  await db
    .updateTable('users')
    .set({
      nick_name: '彪彪小王子',
      avatar: 'upload/images/userPhoto/10176_avatar.jpg',
      mobile: '1362222222',
      profile: JSON.stringify({ sex: '1', age: '28', city: '4103', company: '汇梦互联网有限公司', signature: '这里是个性签名' }),
    })
    .where('id', '=', member.userId)
    .execute()

  const groupId = await createGroup(
    app,
    owner,
    {
      name: '悦尚九鲜项目群',
      description: '这是悦尚九鲜股东群',
      ext: JSON.stringify({ projectName: '悦尚九鲜', groupType: 2 }),
    },
    [admin, member],
  )
  await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] })
  await rest(owner, 'POST', '/group/announcement/edit', { group_id: groupId, content: '这是群公告内容' })
  // A project group as 000 describes it: every applicant is admitted at once (join-applications.test.ts covers the others).
  await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 0 })

  await t.test('joinGroup admits at once where the group admits everyone; a member, a blocked user, an unknown group are refused', async (t) => {
    const r = await legacy(joiner, 'joinGroup', { groupId: String(groupId) })
    t.equal(r.body, JSON.stringify({ success: true, info: '申请入群成功' }))
    t.equal(r.headers.uid, String(joiner.userId), 'session headers echoed')
    t.same((await legacy(joiner, 'joinGroup', { groupId: String(groupId) })).json, { success: false, info: '您已是该群成员', code: 20017 })
    t.same((await legacy(joiner, 'joinGroup', { groupId: '999999' })).json, { success: false, info: '群不存在', code: 20001 })
    t.match((await legacy(joiner, 'joinGroup', { groupId: 'abc' })).json, { success: false, code: 10002 })
    t.match((await legacy(joiner, 'joinGroup')).json, { success: false, code: 10002 })
    const blocked = await registerUser(app)
    await rest(owner, 'POST', '/group/block', { group_id: groupId, user_list: [blocked.userId] })
    t.same((await legacy(blocked, 'joinGroup', { groupId: String(groupId) })).json, { success: false, info: '您已被该群拉黑', code: 20018 })
    const r2 = await app.inject({ method: 'POST', url: '/chat/group!joinGroup', headers: FORM, payload: `groupId=${groupId}` })
    t.same(r2.json(), { success: false, info: '请先登录', code: 10003 })
  })

  await t.test('groupList: every group of the caller with the project fields, as strings in the printed order', async (t) => {
    const other = await createGroup(app, owner, { name: 'plain' }, [member])
    const r = await legacy(member, 'groupList')
    t.equal(
      r.body,
      JSON.stringify({
        success: true,
        info: '获取群列表成功',
        groupList: [
          {
            groupId: String(groupId),
            projectName: '悦尚九鲜',
            groupName: '悦尚九鲜项目群',
            type: '2',
            introduction: '这是悦尚九鲜股东群',
            notice: '这是群公告内容',
            creator_id: String(owner.userId),
          },
          { groupId: String(other), projectName: '', groupName: 'plain', type: '1', introduction: '', notice: '', creator_id: String(owner.userId) },
        ],
      }),
    )
    const outsider = await registerUser(app)
    t.equal((await legacy(outsider, 'groupList')).body, JSON.stringify({ success: true, info: '获取群列表成功', groupList: [] }))
  })

  await t.test("getGroupDetail: groupInfo and every member's profile with user_type and show_name; phone numbers for members only", async (t) => {
    await rest(member, 'POST', '/group/display_name', { group_id: groupId, value: '彪彪' })
    const r = await legacy(admin, 'getGroupDetail', { groupId: String(groupId) })
    t.match(r.json, { success: true, info: '获取群详情成功' })
    t.same(Object.keys(r.json), ['success', 'info', 'groupInfo', 'userList'])
    t.same(r.json.groupInfo, {
      groupId: String(groupId),
      projectName: '悦尚九鲜',
      groupName: '悦尚九鲜项目群',
      type: '2',
      introduction: '这是悦尚九鲜股东群',
      notice: '这是群公告内容',
      creator_id: String(owner.userId),
    })
    t.same(
      r.json.userList.map((u: { userId: number; user_type: string }) => [u.userId, u.user_type]),
      [
        [owner.userId, '1'],
        [admin.userId, '2'],
        [member.userId, '3'],
        [joiner.userId, '3'],
      ],
    )
    const shown = r.json.userList[2]
    t.equal(
      JSON.stringify(shown),
      JSON.stringify({
        userId: member.userId,
        sex: '1',
        age: '28',
        phoneNumber: '1362222222',
        country: '',
        province: '',
        city: '4103',
        district: '',
        street: '',
        company: '汇梦互联网有限公司',
        occupation: '',
        role: '',
        degrees: '',
        school: '',
        nickName: '彪彪小王子',
        userPhoto: 'upload/images/userPhoto/10176_avatar.jpg',
        signature: '这里是个性签名',
        user_type: '3',
        show_name: '彪彪',
      }),
      'the member, field by field in the printed order; userPhoto relative',
    )
    const outsider = await registerUser(app)
    const seen = (await legacy(outsider, 'getGroupDetail', { groupId: String(groupId) })).json
    t.match(seen, { success: true, info: '获取群详情成功', groupInfo: r.json.groupInfo }, 'an outsider sees the group (000 states no members-only rule)')
    t.same(
      seen.userList.map((u: { userId: number }) => u.userId),
      r.json.userList.map((u: { userId: number }) => u.userId),
      'and who is in it',
    )
    t.same(
      seen.userList.map((u: { phoneNumber: string }) => u.phoneNumber),
      ['', '', '', ''],
      'but no phone number',
    )
    t.same({ ...seen.userList[2], phoneNumber: '1362222222' }, shown, 'everything else as members see it')
  })

  await t.test("userSetGroup: one's own show name; empty means unchanged", async (t) => {
    t.equal(
      (await legacy(joiner, 'userSetGroup', { groupId: String(groupId), showName: '新人' })).body,
      JSON.stringify({ success: true, info: '设置群显示名称成功' }),
    )
    await legacy(joiner, 'userSetGroup', { groupId: String(groupId), showName: '' })
    const names = await rest(owner, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [joiner.userId] })
    t.equal(names.data[0].display_name, '新人')
    const outsider = await registerUser(app)
    t.match((await legacy(outsider, 'userSetGroup', { groupId: String(groupId), showName: 'x' })).json, { success: false, code: 20002 })
  })

  await t.test('setingGroup: messageRemainMode for oneself; showName for oneself or, by an admin, for another member', async (t) => {
    t.equal(
      (await legacy(member, 'setingGroup', { groupId: String(groupId), messageRemainMode: '2' })).body,
      JSON.stringify({ success: true, info: '群设置成功' }),
    )
    t.equal((await rest(member, 'GET', `/group/info?group_id=${groupId}`)).data.msg_mute_mode, 1, '2 receive silently = msg_mute_mode 1')
    await legacy(member, 'setingGroup', { groupId: String(groupId), messageRemainMode: '1' })
    t.equal((await rest(member, 'GET', `/group/info?group_id=${groupId}`)).data.msg_mute_mode, 0)
    t.match((await legacy(member, 'setingGroup', { groupId: String(groupId), messageRemainMode: '3' })).json, { success: false, code: 10002 })
    t.match(
      (await legacy(member, 'setingGroup', { groupId: String(groupId), showName: 'x', userId: String(joiner.userId) })).json,
      { success: false, code: 20012 },
      'a member cannot name others',
    )
    t.match((await legacy(admin, 'setingGroup', { groupId: String(groupId), showName: '管理员改的', userId: String(joiner.userId) })).json, { success: true })
    t.equal((await rest(owner, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [joiner.userId] })).data[0].display_name, '管理员改的')
    t.match(
      (await legacy(admin, 'setingGroup', { groupId: String(groupId), messageRemainMode: '2', userId: String(joiner.userId) })).json,
      { success: false, code: 10010 },
      "modes are one's own",
    )
  })

  await t.test('updateGroup: admins only; empty fields unchanged; notice publishes an announcement', async (t) => {
    t.match((await legacy(member, 'updateGroup', { groupId: String(groupId), groupName: 'x' })).json, {
      success: false,
      info: '只有管理员可以执行此操作',
      code: 20012,
    })
    const r = await legacy(admin, 'updateGroup', { groupId: String(groupId), groupName: '新群名', type: '', introduction: '', notice: '新公告' })
    t.equal(r.body, JSON.stringify({ success: true, info: '修改群资料成功' }))
    const detail = (await legacy(member, 'getGroupDetail', { groupId: String(groupId) })).json.groupInfo
    t.match(detail, { groupName: '新群名', type: '2', introduction: '这是悦尚九鲜股东群', notice: '新公告' })
    t.equal((await rest(member, 'GET', `/group/announcement/last?group_id=${groupId}`)).data.content, '新公告')
    await legacy(owner, 'updateGroup', { groupId: String(groupId), type: '1' })
    t.equal((await legacy(member, 'getGroupDetail', { groupId: String(groupId) })).json.groupInfo.type, '1')
    t.match((await legacy(owner, 'updateGroup', { groupId: String(groupId), type: '9' })).json, { success: false, code: 10002 })
  })

  await t.test('deleteUser: owner or admin, never the owner or an admin; info names the member', async (t) => {
    t.match((await legacy(member, 'deleteUser', { groupId: String(groupId), groupUserId: String(joiner.userId) })).json, { success: false, code: 20012 })
    t.match(
      (await legacy(owner, 'deleteUser', { groupId: String(groupId), groupUserId: String(admin.userId) })).json,
      { success: false, code: 10010 },
      'not even the owner removes an admin here',
    )
    t.match((await legacy(admin, 'deleteUser', { groupId: String(groupId), groupUserId: String(owner.userId) })).json, { success: false, code: 10010 })
    t.equal(
      (await legacy(admin, 'deleteUser', { groupId: String(groupId), groupUserId: String(joiner.userId) })).body,
      JSON.stringify({ success: true, info: '已成功踢出成员管理员改的' }),
    )
    t.same((await legacy(admin, 'deleteUser', { groupId: String(groupId), groupUserId: String(joiner.userId) })).json, {
      success: false,
      info: '您不是该群成员',
      code: 20002,
    })
    const member2 = await registerUser(app, 'plain_member')
    await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [member2.userId] })
    t.equal(
      (await legacy(owner, 'deleteUser', { groupId: String(groupId), groupUserId: String(member2.userId) })).json.info,
      '已成功踢出成员plain_member',
      'no card: the username',
    )
  })

  await t.test('exitGroup: members leave, info names the group; owner and admins refused', async (t) => {
    t.same((await legacy(owner, 'exitGroup', { groupId: String(groupId) })).json, { success: false, info: '群主不能退出群，请先转让', code: 20004 })
    t.same((await legacy(admin, 'exitGroup', { groupId: String(groupId) })).json, { success: false, info: '管理员不允许退出群', code: 20026 })
    t.equal((await legacy(member, 'exitGroup', { groupId: String(groupId) })).body, JSON.stringify({ success: true, info: '您已成功退出新群名群' }))
    t.match((await legacy(member, 'exitGroup', { groupId: String(groupId) })).json, { success: false, code: 20002 })
    const g2 = await createGroup(app, owner, { name: '股东群' }, [member])
    t.equal((await legacy(member, 'exitGroup', { groupId: String(g2) })).json.info, '您已成功退出股东群', 'no doubled 群')
  })
})
