// Per-user group quotas: at most 1,000 live groups owned (20008) and 5,000 live groups joined (20009), on every way in.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { befriend, registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'

t.test('group quotas per user', async (t) => {
  t.setTimeout(120_000)
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const db = app.testDatabase.database.db
  const creator = await registerUser(app, 'creator')
  const joiner = await registerUser(app, 'joiner')
  const host = await registerUser(app, 'host')
  await befriend(app, host, joiner) // the facade adds friends only
  // Owns the 5,000 groups the joiner is put in, so that its own quota is none of the test's business.
  const bulkOwner = await registerUser(app, 'bulk_owner')

  await t.test('groups owned: the 1,001st live group is refused; a dismissed one frees a place', async (t) => {
    // 999 owned groups written directly, the 1,000th through the API.
    const rows = await db
      .insertInto('groups')
      .values(Array.from({ length: 999 }, (_, i) => ({ app_id: 'default', owner_id: creator.userId, name: `g${i}` })))
      .returning('id')
      .execute()
    t.equal((await rest(creator, 'POST', '/group/create', { name: 'the 1000th' })).code, 200)
    t.same(await rest(creator, 'POST', '/group/create', { name: 'one too many' }), { code: 20008, message: 'you already own 1000 groups', data: null })
    await db.updateTable('groups').set({ status: 1 }).where('id', '=', rows[0]!.id).execute()
    t.equal((await rest(creator, 'POST', '/group/create', { name: 'after a dismissal' })).code, 200)
  })

  await t.test('groups joined: the 5,001st is refused on apply, invite, QR code, legacy join, facade add and create', async (t) => {
    const groups = await db
      .insertInto('groups')
      .values(Array.from({ length: 5000 }, (_, i) => ({ app_id: 'default', owner_id: bulkOwner.userId, name: `h${i}` })))
      .returning('id')
      .execute()
    await db
      .insertInto('group_members')
      .values(groups.map((g) => ({ group_id: g.id, user_id: joiner.userId })))
      .execute()
    const open = await createGroup(app, host, { name: 'open' })
    await rest(host, 'POST', '/group/settings/require_admin_approval', { group_id: open, apply_approval: 0 })

    t.match(await rest(joiner, 'POST', '/group/apply', { group_id: open }), { code: 20009 })
    t.same((await rest(host, 'POST', '/group/invite', { group_id: open, user_list: [joiner.userId] })).data, [
      { reason: 'quota exceeded: groups joined per user', result: 'fail', user_id: joiner.userId },
    ])
    const qr = (await rest(host, 'GET', `/group/qrcode/sign?group_id=${open}`)).data.qr_info
    t.match(await rest(joiner, 'POST', '/group/qrcode/invite', { qr_info: qr }), { code: 20009 })
    const legacy = await app.inject({
      method: 'POST',
      url: '/chat/group!joinGroup',
      headers: { uid: String(joiner.userId), accessToken: joiner.token },
      payload: { groupId: String(open) },
    })
    t.same(legacy.json(), { success: false, info: '加入的群数量已达上限', code: 20009 })
    const facade = await app.inject({
      method: 'POST',
      url: `/api/im/group/${open}/join/`,
      headers: { authorization: `Token ${host.token}` },
      payload: { userid: joiner.userId },
    })
    t.equal(facade.statusCode, 400)
    t.match(await rest(joiner, 'POST', '/group/create', { name: 'mine' }), { code: 20009 }, 'the owner joins the group it creates')

    await db.updateTable('groups').set({ status: 1 }).where('id', '=', groups[0]!.id).execute()
    t.match(await rest(joiner, 'POST', '/group/apply', { group_id: open }), { code: 200, data: { reason: 'joined' } }, 'a dismissed group no longer counts')
  })
})
