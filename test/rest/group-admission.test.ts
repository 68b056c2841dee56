// REST /group: apply under apply_approval, invitations under member_invite and group_confirm, QR codes, kick, leave, bans, blocklist.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { send } from '../helpers/messages.ts'

t.test('REST groups: who gets in and who is kept out', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => clock } })
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner')
  const admin = await registerUser(app, 'admin')
  const member = await registerUser(app, 'member')
  const groupId = await createGroup(app, owner, { name: 'Club' }, [admin, member])
  await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] })
  const memberIds = async () => (await rest(owner, 'GET', `/group/member_list?group_id=${groupId}`)).data.map((m: { user_id: number }) => m.user_id)
  const setApproval = (value: number) => rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: value })

  await t.test('apply with apply_approval 1: pending until an admin decides; application_list for admins', async (t) => {
    const alice = await registerUser(app)
    const bob = await registerUser(app)
    t.same(await rest(alice, 'POST', '/group/apply', { group_id: groupId, reason: 'let me in' }), {
      code: 200,
      message: null,
      data: { reason: 'pending', result: 'success', user_id: alice.userId },
    })
    await rest(bob, 'POST', '/group/apply', { group_id: groupId })
    t.notOk((await memberIds()).includes(alice.userId), 'not a member yet')

    t.match(await rest(member, 'POST', '/group/application_list', { group_list: [groupId] }), { code: 20012 })
    const page1 = await rest(admin, 'POST', '/group/application_list?limit=1', { group_list: [groupId] })
    t.match(page1, { code: 200, total: 2, version: 0, cursor: String })
    t.match(page1.data, [
      { applicant_id: alice.userId, group_id: groupId, reason: 'let me in', status: 0, expired_time: Number, created_at: Number, updated_at: Number },
    ])
    const page2 = await rest(admin, 'POST', `/group/application_list?limit=1&cursor=${page1.cursor}`, { group_list: [groupId] })
    t.equal(page2.data[0].applicant_id, bob.userId)
    t.notOk('cursor' in page2, 'last page')
    t.match(await rest(admin, 'POST', '/group/application_list', { group_list: [] }), { code: 10002 })

    t.match(await rest(member, 'POST', '/group/apply/handle', { group_id: groupId, user_id: alice.userId, approval: true }), { code: 20012 })
    t.same((await rest(admin, 'PUT', '/group/apply/handle', { group_id: groupId, user_id: alice.userId, approval: true })).data, {
      reason: 'accepted',
      result: 'success',
      user_id: alice.userId,
    })
    t.ok((await memberIds()).includes(alice.userId))
    t.match(await rest(admin, 'POST', '/group/apply/handle', { group_id: groupId, user_id: alice.userId, approval: true }), { code: 20014 }, 'already handled')
    t.match(await rest(admin, 'POST', '/group/apply/handle', { group_id: groupId, user_id: bob.userId, approval: false }), { code: 200 })
    t.notOk((await memberIds()).includes(bob.userId), 'declined')
    t.match(await rest(alice, 'POST', '/group/apply', { group_id: groupId }), { code: 20017 }, 'already a member')
    t.match(await rest(alice, 'POST', '/group/apply', {}), { code: 10002 })
  })

  await t.test('two admins deciding one application at once: one wins, the other is told it was handled', async (t) => {
    const racer = await registerUser(app)
    await rest(racer, 'POST', '/group/apply', { group_id: groupId })
    const countBefore = (await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.count
    const decisions = await Promise.all([
      rest(owner, 'POST', '/group/apply/handle', { group_id: groupId, user_id: racer.userId, approval: true }),
      rest(admin, 'POST', '/group/apply/handle', { group_id: groupId, user_id: racer.userId, approval: true }),
    ])
    t.same(decisions.map((d) => d.code).sort(), [200, 20014])
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.count, countBefore + 1, 'counted once')
  })

  await t.test('applications expire after 7 days', async (t) => {
    const late = await registerUser(app)
    await rest(late, 'POST', '/group/apply', { group_id: groupId })
    clock += 8 * 24 * 3600 * 1000
    t.match(await rest(admin, 'POST', '/group/apply/handle', { group_id: groupId, user_id: late.userId, approval: true }), { code: 20014 })
    clock = Date.now()
  })

  await t.test('apply_approval 0 admits at once, 2 refuses', async (t) => {
    const carol = await registerUser(app)
    await setApproval(0)
    t.match(await rest(carol, 'POST', '/group/apply', { group_id: groupId }), { data: { reason: 'joined', result: 'success' } })
    t.ok((await memberIds()).includes(carol.userId))
    const dave = await registerUser(app)
    await setApproval(2)
    t.match(await rest(dave, 'POST', '/group/apply', { group_id: groupId }), { code: 10010, message: /refuses every application/ })
    await setApproval(1)
  })

  await t.test('invite: members while member_invite is on, admins always; group_confirm decides join or invitation', async (t) => {
    const erin = await registerUser(app)
    const frank = await registerUser(app)
    const outsider = await registerUser(app)
    // The user settings route arrives with the accounts work; set group_confirm where it lives.
    await app.testDatabase.database.db.updateTable('user_settings').set({ group_confirm: true }).where('user_id', '=', frank.userId).execute()

    const r = await rest(member, 'POST', '/group/invite', {
      group_id: groupId,
      user_list: [erin.userId, frank.userId, member.userId, 999999],
      reason: 'join us',
    })
    t.same(r.data, [
      { reason: 'joined', result: 'success', user_id: erin.userId },
      { reason: 'pending', result: 'success', user_id: frank.userId },
      { reason: 'already a member', result: 'fail', user_id: member.userId },
      { reason: 'user does not exist', result: 'fail', user_id: 999999 },
    ])
    t.ok((await memberIds()).includes(erin.userId))
    t.notOk((await memberIds()).includes(frank.userId))
    t.match(await rest(outsider, 'POST', '/group/invite', { group_id: groupId, user_list: [outsider.userId] }), { code: 20002 })

    const invitations = await rest(frank, 'GET', '/group/invitation_list')
    t.match(invitations, { code: 200, total: 1, version: 0 })
    t.match(invitations.data[0], { group_id: groupId, inviter_id: member.userId, invitee_id: frank.userId, reason: 'join us', status: 0 })
    t.match(
      await rest(frank, 'POST', '/group/invite/handle', { group_id: groupId, user_id: owner.userId, approval: true }),
      { code: 20015 },
      'not that inviter',
    )
    t.match(await rest(frank, 'PUT', '/group/invite/handle', { group_id: groupId, user_id: member.userId, approval: true }), {
      code: 200,
      data: { group_id: groupId },
    })
    t.ok((await memberIds()).includes(frank.userId))
    t.match(await rest(frank, 'POST', '/group/invite/handle', { group_id: groupId, approval: true }), { code: 20015 }, 'already handled')
    t.match(await rest(frank, 'POST', '/group/invite/handle', { group_id: groupId }), { code: 10002 }, 'approval is required')

    await rest(owner, 'POST', '/group/settings/allow_member_invitation', { group_id: groupId, value: false })
    t.match(await rest(member, 'POST', '/group/invite', { group_id: groupId, user_list: [outsider.userId] }), { code: 20012 })
    t.match(await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [outsider.userId] }), { code: 200, data: [{ result: 'success' }] })
    await rest(owner, 'POST', '/group/settings/allow_member_invitation', { group_id: groupId, value: true })
  })

  await t.test('declined invitation leaves the user out', async (t) => {
    const gina = await registerUser(app)
    await app.testDatabase.database.db.updateTable('user_settings').set({ group_confirm: true }).where('user_id', '=', gina.userId).execute()
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [gina.userId] })
    t.match(await rest(gina, 'POST', '/group/invite/handle', { group_id: groupId, approval: false }), { code: 200 })
    t.notOk((await memberIds()).includes(gina.userId))
    t.match((await rest(gina, 'GET', '/group/invitation_list')).data, [{ status: 2 }])
  })

  await t.test('QR codes: signed, expiring, refused when tampered with', async (t) => {
    const sign = await rest(member, 'GET', `/group/qrcode/sign?group_id=${groupId}`)
    t.match(sign.data, { qr_info: String, create_at: Number, expire_at: Number })
    t.equal(sign.data.expire_at - sign.data.create_at, 7 * 24 * 3600 * 1000)
    const henry = await registerUser(app)
    t.match(await rest(henry, 'GET', `/group/qrcode/sign?group_id=${groupId}`), { code: 20002 }, 'non-members cannot sign')
    const [payload, signature] = sign.data.qr_info.split('.')
    const forged = Buffer.from(JSON.stringify({ g: groupId, u: member.userId, e: Date.now() + 10 ** 9 })).toString('base64url')
    t.match(await rest(henry, 'POST', '/group/qrcode/invite', { qr_info: `${forged}.${signature}` }), { code: 20024 })
    t.match(await rest(henry, 'POST', '/group/qrcode/invite', { qr_info: 'garbage' }), { code: 20024 })
    t.match(await rest(henry, 'POST', '/group/qrcode/invite', { qr_info: `${payload}.${signature}` }), { code: 200, data: { group_id: groupId } })
    t.ok((await memberIds()).includes(henry.userId))
    t.match(await rest(henry, 'POST', '/group/qrcode/invite', { qr_info: sign.data.qr_info }), { code: 20017 })
    const ivan = await registerUser(app)
    clock += 8 * 24 * 3600 * 1000
    t.match(await rest(ivan, 'POST', '/group/qrcode/invite', { qr_info: sign.data.qr_info }), { code: 20025 })
    clock = Date.now()
  })

  await t.test('kick: admins kick members, only the owner kicks admins, nobody kicks the owner', async (t) => {
    const [k1, k2] = [await registerUser(app), await registerUser(app)]
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [k1.userId, k2.userId] })
    const second = await registerUser(app)
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [second.userId] })
    await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [second.userId] })

    t.match(await rest(member, 'POST', '/group/kick', { group_id: groupId, user_list: [k1.userId] }), { code: 20012 })
    const r = await rest(admin, 'POST', '/group/kick', { group_id: groupId, user_list: [k1.userId, second.userId, owner.userId, 999999] })
    t.same(r.data, [
      { reason: '', result: 'success', user_id: k1.userId },
      { reason: 'only the owner may remove, ban or block an admin', result: 'fail', user_id: second.userId },
      { reason: 'the owner cannot be removed, banned or blocked', result: 'fail', user_id: owner.userId },
      { reason: 'not a member of the group', result: 'fail', user_id: 999999 },
    ])
    const byOwner = await app.inject({
      method: 'DELETE',
      url: '/group/kick',
      headers: { 'access-token': owner.token },
      payload: { group_id: groupId, user_list: [second.userId, k2.userId] },
    })
    t.match(byOwner.json().data, [{ result: 'success' }, { result: 'success' }], 'DELETE twin; the owner kicks an admin')
    const ids = await memberIds()
    t.notOk(ids.includes(k1.userId) || ids.includes(k2.userId) || ids.includes(second.userId))
  })

  await t.test('leave: members leave, the owner cannot; non-members get 20002', async (t) => {
    const leaver = await registerUser(app)
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [leaver.userId] })
    t.same(await rest(leaver, 'POST', `/group/leave?group_id=${groupId}`), { code: 200, message: null, data: true })
    t.notOk((await memberIds()).includes(leaver.userId))
    t.match(await rest(leaver, 'DELETE', `/group/leave?group_id=${groupId}`), { code: 20002 })
    t.match(await rest(owner, 'POST', '/group/leave', { group_id: groupId }), { code: 20004 }, 'group_id in the body works too')
    t.match(await rest(ADMIN_TOKEN, 'POST', `/group/leave?group_id=${groupId}`), { code: 10002, message: /user_id/ })
  })

  await t.test('ban, unban, banned_list: minutes, same role rules as kick', async (t) => {
    const target = await registerUser(app)
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [target.userId] })
    t.match(await rest(member, 'POST', '/group/ban', { group_id: groupId, user_list: [target.userId], duration: 5 }), { code: 20012 })
    t.match(await rest(admin, 'POST', '/group/ban', { group_id: groupId, user_list: [target.userId], duration: 0 }), { code: 10002 })
    const r = await rest(admin, 'POST', '/group/ban', { group_id: groupId, user_list: [target.userId, owner.userId], duration: 5 })
    t.match(r.data, [
      { result: 'success', user_id: target.userId },
      { result: 'fail', user_id: owner.userId },
    ])
    const banned = await rest(member, 'GET', `/group/banned_list?group_id=${groupId}`)
    t.equal(banned.total, 1)
    t.equal(banned.data[0].user_id, target.userId)
    t.ok(Math.abs(banned.data[0].expired_time - (Math.floor(clock / 1000) + 300)) <= 2, 'expired_time in seconds')
    t.match(await send(app, member.token, { type: 2, targets: [groupId], content: 'fine' }), { code: 200 }, 'a member may send')
    t.match(await send(app, target.token, { type: 2, targets: [groupId], content: 'muted' }), { code: 10010 }, 'a banned member may not')
    clock += 6 * 60 * 1000
    t.equal((await rest(member, 'GET', `/group/banned_list?group_id=${groupId}`)).total, 0, 'the ban ran out')
    clock = Date.now()
    await rest(admin, 'POST', '/group/ban', { group_id: groupId, user_list: [target.userId], duration: 60 })
    t.match(await rest(admin, 'POST', '/group/unban', { group_id: groupId, user_list: [target.userId, 999999] }), {
      data: [{ result: 'success' }, { result: 'fail' }],
    })
    t.equal((await rest(member, 'GET', `/group/banned_list?group_id=${groupId}`)).total, 0)
  })

  await t.test('block: blocked users are removed and cannot apply, be invited, join by QR; unblock lets them back', async (t) => {
    const troll = await registerUser(app)
    await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [troll.userId] })
    const qr = (await rest(member, 'GET', `/group/qrcode/sign?group_id=${groupId}`)).data.qr_info
    t.match(await rest(member, 'POST', '/group/block', { group_id: groupId, user_list: [troll.userId] }), { code: 20012 })
    t.match(await rest(admin, 'POST', '/group/block', { group_id: groupId, user_list: [troll.userId, owner.userId, 999999] }), {
      data: [{ result: 'success' }, { result: 'fail' }, { result: 'fail', reason: 'user does not exist' }],
    })
    t.notOk((await memberIds()).includes(troll.userId), 'removed from the group')
    await setApproval(0)
    t.match(await rest(troll, 'POST', '/group/apply', { group_id: groupId }), { code: 20018 })
    t.match(await rest(troll, 'POST', '/group/qrcode/invite', { qr_info: qr }), { code: 20018 })
    t.match(await rest(admin, 'POST', '/group/invite', { group_id: groupId, user_list: [troll.userId] }), {
      data: [{ result: 'fail', reason: "in the group's blacklist" }],
    })
    t.match(await rest(member, 'GET', `/group/blocked_list?group_id=${groupId}`), { code: 20012 })
    const blocked = await rest(admin, 'GET', `/group/blocked_list?group_id=${groupId}`)
    t.match(blocked, { total: 1, data: [{ group_id: groupId, user_id: troll.userId, created_at: Number }] })
    const unblock = await app.inject({
      method: 'DELETE',
      url: '/group/unblock',
      headers: { 'access-token': admin.token },
      payload: { group_id: groupId, user_list: [troll.userId, member.userId] },
    })
    t.match(unblock.json().data, [{ result: 'success' }, { result: 'fail', reason: 'not in the blacklist' }])
    t.match(await rest(troll, 'POST', '/group/apply', { group_id: groupId }), { data: { reason: 'joined' } })
    await setApproval(1)
  })

  await t.test('member_list pages with limit and cursor', async (t) => {
    const all = await memberIds()
    const seen: number[] = []
    let cursor: string | undefined
    do {
      const page = await rest(member, 'GET', `/group/member_list?group_id=${groupId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      t.equal(page.total, all.length)
      seen.push(...page.data.map((m: { user_id: number }) => m.user_id))
      cursor = page.cursor
    } while (cursor)
    t.same(seen, all)
    t.match(await rest(member, 'GET', `/group/member_list?group_id=${groupId}&cursor=abc`), { code: 10002, message: /cursor/ })
    t.match(await rest(member, 'GET', `/group/member_list?group_id=${groupId}&limit=0`), { code: 10002 })
    const stranger: TestUser = await registerUser(app)
    t.match(await rest(stranger, 'GET', `/group/member_list?group_id=${groupId}`), { code: 20002 })
  })
})
