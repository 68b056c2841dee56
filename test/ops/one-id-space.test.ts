// Migration 0010: users and groups share one id space; groups that shared a number with a user move, and keep everything.
import t from 'tap'
import { rmSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'
import { buildApp } from '../../src/app.ts'
import type { Database } from '../../src/platform/db.ts'
import * as migration from '../../migrations/0010_one_id_space.ts'
import { freshDatabase } from '../helpers/database.ts'
import { PUBLIC_URL, testConfig } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { history, queryString, sendText, unread } from '../helpers/messages.ts'

// Two apps, each on a fresh start of one database, plus the migration between them.
t.setTimeout(240_000)

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(200, 1)])

function multipart(content: Buffer) {
  const boundary = '----idspace'
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.png"\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  }
}

/** An app over `database` that leaves it open when it closes (the migration runs between two apps). */
async function appOn(database: Database, config: ReturnType<typeof testConfig>, keepOpen: boolean) {
  const shared: Database = keepOpen
    ? { db: database.db, kind: database.kind, ping: () => database.ping(), pool: () => database.pool(), close: async () => {} }
    : database
  return buildApp(config, { database: shared })
}

/** What the members of a group see of it through REST, with the group's id left out where it is the group's. */
async function groupSnapshot(app: Awaited<ReturnType<typeof buildApp>>, groupId: number, owner: TestUser, member: TestUser, invitee: TestUser) {
  const rest = restAs(app)
  const data = async (who: TestUser, method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await rest(who, method, url, payload)
    if (r.code !== 200) throw new Error(`${url} answered ${JSON.stringify(r)}`)
    return r
  }
  const q = `group_id=${groupId}`
  const withoutGroupId = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, v) => (key === 'group_id' && v === groupId ? 'the group' : v))
  const page = (h: { data: { messages: Array<{ to_xid: { uid: number } }> } }) => {
    for (const m of h.data.messages) if (m.to_xid.uid === groupId) m.to_xid.uid = -1
    return h.data
  }
  return withoutGroupId({
    info: (await data(owner, 'GET', `/group/info?${q}`)).data,
    settings: (await data(owner, 'GET', `/group/settings?${q}`)).data,
    members: (await data(owner, 'GET', `/group/member_list?${q}`)).data,
    admins: (await data(owner, 'GET', `/group/admin_list?${q}`)).data,
    names: (await data(owner, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [owner.userId, member.userId] })).data,
    blocked: (await data(owner, 'GET', `/group/blocked_list?${q}`)).data,
    announcements: (await data(member, 'GET', `/group/announcement/list?${q}`)).data,
    files: (await data(member, 'GET', `/group/file/list?${q}`)).data,
    applications: (await data(owner, 'POST', '/group/application_list', { group_list: [groupId] })).data,
    invitations: (await data(invitee, 'GET', '/group/invitation_list')).data.filter((i: { group_id: number }) => i.group_id === groupId),
    historyOfOwner: page(await history(app, owner.token, { opposite_id: groupId, type: 2, msg_id_start: 0 })),
    historyOfMember: page(await history(app, member.token, { opposite_id: groupId, type: 2 })),
  })
}

t.test('0010 renumbers the groups that shared a number with a user, and nothing they had is lost', async (t) => {
  const testDatabase = await freshDatabase()
  const { database } = testDatabase
  t.teardown(async () => {
    await database.close()
    await testDatabase.drop()
  })
  const db = database.db as Kysely<any>
  // The schema as it was: users and groups numbered separately, both from 1.
  await migration.down(db)

  const config = testConfig()
  t.teardown(() => rmSync(config.DATA_DIR, { recursive: true, force: true }))
  const before = await appOn(database, config, true)
  const rest = restAs(before)
  const [alice, bob, carol, dave, erin] = [
    await registerUser(before, 'alice'),
    await registerUser(before, 'bob'),
    await registerUser(before, 'carol'),
    await registerUser(before, 'dave'),
    await registerUser(before, 'erin'),
  ] as [TestUser, TestUser, TestUser, TestUser, TestUser]
  // Group B gets bob's number: alice is a member of group 2 and has a private conversation with user 2.
  const groupA = await createGroup(before, alice, { name: 'A' }, [bob, carol])
  const groupB = await createGroup(before, bob, { name: 'B' }, [alice])
  for (const name of ['C', 'D', 'E']) await createGroup(before, carol, { name })
  const groupF = await createGroup(before, alice, { name: 'F' }, [bob])
  const userIds = [alice, bob, carol, dave, erin].map((u) => u.userId)
  t.equal(groupB, bob.userId, 'group B and user bob share a number before the migration')
  t.ok(userIds.includes(groupA), 'so do group A and a user')
  t.notOk(userIds.includes(groupF), 'group F shares its number with nobody')

  // Everything a group can have, for group B.
  const privateIds = [await sendText(before, alice.token, bob.userId, 'alice to bob'), await sendText(before, bob.token, alice.userId, 'bob to alice')]
  const sentWithTransaction = await rest(bob, 'POST', '/message/send', { type: 2, targets: [groupB], content: 'bob in B', transaction_id: 77 })
  t.equal(sentWithTransaction.code, 200)
  const inB = [
    sentWithTransaction.msg_ids[0],
    await sendText(before, alice.token, groupB, 'alice in B', 2),
    await sendText(before, bob.token, groupB, 'bob again in B', 2),
  ]
  t.equal((await rest(alice, 'GET', `/message/ack?${queryString({ msg_id: inB[0] })}`)).code, 200, 'alice read the first group message')
  await rest(bob, 'POST', '/group/settings/enable_read_ack', { group_id: groupB, value: true })
  await rest(bob, 'POST', '/group/settings/history_visible', { group_id: groupB, value: true })
  await rest(bob, 'POST', '/group/info/description', { group_id: groupB, value: 'the confusing group' })
  await rest(bob, 'POST', '/group/admin/add', { group_id: groupB, user_list: [alice.userId] })
  await rest(alice, 'POST', '/group/display_name', { group_id: groupB, value: 'Ally' })
  await rest(bob, 'POST', '/group/announcement/edit', { group_id: groupB, title: 'news', content: 'B news' })
  await rest(alice, 'POST', '/group/file/upload', { group_id: groupB, name: 'plan.pdf', size: 12, type: 'pdf', url: 'https://files.example/plan.pdf' })
  await rest(bob, 'POST', '/group/block', { group_id: groupB, user_list: [carol.userId] })
  t.match(await rest(dave, 'POST', '/group/apply', { group_id: groupB, reason: 'let me in' }), { code: 200 }, 'an application waits for approval')
  t.equal((await rest(erin, 'POST', '/user/settings', { group_confirm: true })).code, 200)
  t.match(await rest(bob, 'POST', '/group/invite', { group_id: groupB, user_list: [erin.userId], reason: 'join us' }), { data: [{ reason: 'pending' }] })
  // The group's avatar, uploaded for it (its stored file belongs to the group), and a chat file sent to it.
  const avatarTicket = (await rest(bob, 'GET', `/file/upload/avatar/group?group_id=${groupB}`)).data
  const avatar = (await before.inject({ method: 'POST', url: avatarTicket.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })).json().data.download_url
  t.equal((await rest(bob, 'POST', '/group/info/avatar', { group_id: groupB, value: avatar })).code, 200)
  const chatTicket = (await rest(alice, 'GET', `/file/upload/chat?file_type=100&to_type=2&to_id=${groupB}`)).data
  t.equal((await before.inject({ method: 'POST', url: chatTicket.upload_url.slice(PUBLIC_URL.length), ...multipart(PNG) })).json().code, 200)
  const qr = (await rest(bob, 'GET', `/group/qrcode/sign?group_id=${groupB}`)).data.qr_info as string

  const snapshotBefore = await groupSnapshot(before, groupB, bob, alice, erin)
  const snapshotOfA = await groupSnapshot(before, groupA, alice, bob, erin)
  const privateBefore = (await history(before, alice.token, { opposite_id: bob.userId, type: 1 })).data
  const unreadBefore = { alice: (await unread(before, alice.token)).data, bob: (await unread(before, bob.token)).data }
  const usersBefore = await db.selectFrom('users').selectAll().orderBy('id').execute()
  await before.close()
  // A table a later feature adds with a foreign key to groups is renumbered too: references are found, not listed.
  await sql`create table group_extras (group_id integer not null references groups(id), note text not null)`.execute(db)
  await sql`insert into group_extras values (${groupB}, 'b'), (${groupF}, 'f')`.execute(db)

  await db.transaction().execute((trx) => migration.up(trx))

  const moved = new Map(
    (await db.selectFrom('groups_renumbered').select(['old_id', 'new_id', 'app_id']).orderBy('old_id').execute()).map(
      (r: { old_id: number; new_id: number }) => [r.old_id, r.new_id],
    ),
  )
  t.same(
    [...moved.keys()],
    [1, 2, 3, 4, 5].filter((id) => userIds.includes(id)),
    'exactly the groups that shared a number with a user moved, recorded for operators',
  )
  const newB = moved.get(groupB)!
  const newA = moved.get(groupA)!
  const highest = Math.max(...userIds, groupF)
  t.ok(
    [...moved.values()].every((id) => id > highest),
    'to numbers above every user and group',
  )
  t.same(await db.selectFrom('users').selectAll().orderBy('id').execute(), usersBefore, 'users are untouched')
  t.same(
    (await sql<{ group_id: number; note: string }>`select group_id, note from group_extras order by note`.execute(db)).rows,
    [
      { group_id: newB, note: 'b' },
      { group_id: groupF, note: 'f' },
    ],
    'any foreign key to groups follows',
  )

  const after = await appOn(database, { ...config }, true)
  t.teardown(() => after.close())
  const restAfter = restAs(after)
  t.same(
    await groupSnapshot(after, newB, bob, alice, erin),
    snapshotBefore,
    'group B under its new id: settings, members, roles, names, blocks, announcements, files, applications, invitations, history',
  )
  t.same(await groupSnapshot(after, newA, alice, bob, erin), snapshotOfA, 'group A too')
  t.match(await restAfter(bob, 'GET', `/group/info?group_id=${groupF}`), { code: 200, data: { group_id: groupF, name: 'F' } }, 'group F kept its number')
  t.match(await restAfter(alice, 'GET', `/group/info?group_id=${groupB}`), { code: 20001 }, 'the old number is no group any more')
  t.same(
    privateBefore.messages.map((m: { msg_id: number }) => m.msg_id),
    [...privateIds].reverse(),
  )
  t.same((await history(after, alice.token, { opposite_id: bob.userId, type: 1 })).data, privateBefore, 'the private conversation with user bob is as it was')
  const unreadAfter = { alice: (await unread(after, alice.token)).data, bob: (await unread(after, bob.token)).data }
  const renumberedSummary = (list: Array<{ type: number; conversation_id: { uid: number } }>) =>
    list.map((c) =>
      c.type === 2 && moved.has(c.conversation_id.uid) ? { ...c, conversation_id: { ...c.conversation_id, uid: moved.get(c.conversation_id.uid)! } } : c,
    )
  t.same(
    unreadAfter,
    { alice: renumberedSummary(unreadBefore.alice), bob: renumberedSummary(unreadBefore.bob) },
    'recent lists and unread counts, with the new group ids',
  )
  t.match(
    unreadAfter.alice,
    [
      { conversation_id: { uid: newB }, type: 2, num: 1 },
      { conversation_id: { uid: bob.userId }, type: 1 },
    ],
    'alice has read one of the two newer messages in B',
  )

  // The number group B and bob shared now names bob alone; B answers to its new number, with no type needed.
  t.same(
    (await history(after, alice.token, { opposite_id: bob.userId })).data.messages.map((m: { msg_id: number }) => m.msg_id),
    [...privateIds].reverse(),
    'the shared number without type: the private conversation with bob',
  )
  t.same(
    (await history(after, alice.token, { opposite_id: newB })).data.messages.map((m: { msg_id: number }) => m.msg_id),
    [...inB].reverse(),
    'the new number without type: group B',
  )
  // Sends, dedup and files carry on under the new number.
  t.same(
    (await restAfter(bob, 'POST', '/message/send', { type: 2, targets: [newB], content: 'bob in B', transaction_id: 77 })).msg_ids,
    [inB[0]],
    'a repeated transaction_id still answers the first send',
  )
  const next = await sendText(after, alice.token, newB, 'after the move', 2)
  t.match(
    (await history(after, bob.token, { opposite_id: newB, type: 2, limit: 1 })).data.messages,
    [{ msg_id: next, seq: 4, to_xid: { uid: newB } }],
    'the sequence goes on without a gap',
  )
  t.same(
    await db
      .selectFrom('stored_files')
      .select(['owner_group_id'])
      .where('path', '=', avatar.slice(`${PUBLIC_URL}/files/`.length))
      .execute(),
    [{ owner_group_id: newB }],
    'the avatar still belongs to the group',
  )
  t.same(
    await db.selectFrom('uploads').select(['to_id']).where('id', '=', new URL(chatTicket.download_url).searchParams.get('file_sign')).execute(),
    [{ to_id: newB }],
    'the chat file names the group it was sent to',
  )
  t.same(
    (await db.selectFrom('messages').select('target_id').where('id', 'in', inB).execute()).map((m: { target_id: number }) => m.target_id),
    [newB, newB, newB],
    'group messages name the group by its new id',
  )
  // A QR code signed before names the old number: it still leads into its group, never to whoever has that number now.
  t.match(
    await restAfter(dave, 'POST', '/group/qrcode/invite', { qr_info: qr }),
    { code: 200, data: { group_id: newB } },
    'an old QR code joins the moved group',
  )

  // Every surface shows the new number, typed as its document prints it.
  const legacyList = (
    await after.inject({
      method: 'POST',
      url: '/chat/group!groupList',
      headers: { 'content-type': 'application/x-www-form-urlencoded', uid: String(alice.userId), accessToken: alice.token, client: 'C1' },
      payload: '',
    })
  ).json()
  t.match(
    legacyList.groupList.find((g: { groupName: string }) => g.groupName === 'B'),
    { groupId: String(newB), creator_id: String(bob.userId) },
    'legacy: ids as strings',
  )
  const facade = await after.inject({ method: 'GET', url: `/api/im/retrieve/${newB}/`, headers: { authorization: `Token ${alice.token}` } })
  t.match(facade.json(), { id: newB, name: 'B' }, 'facade: the id as a number')
  t.equal((await after.inject({ method: 'GET', url: `/api/im/retrieve/${groupB}/` })).statusCode, 404, 'facade: the old number is no group')
  t.same(
    [...(await restAfter(alice, 'GET', '/group/user_joined')).data].sort((a: number, b: number) => a - b),
    [groupF, newA, newB].sort((a, b) => a - b),
    'REST: the groups alice belongs to, as numbers',
  )

  // From now on one sequence numbers both.
  const frank = await registerUser(after, 'frank')
  const groupG = await createGroup(after, frank, { name: 'G' })
  const groupIds = (await db.selectFrom('groups').select('id').execute()).map((g: { id: number }) => g.id)
  const allUserIds = (await db.selectFrom('users').select('id').execute()).map((u: { id: number }) => u.id)
  t.ok(frank.userId > Math.max(...moved.values()) && groupG > frank.userId, 'new users and groups take the next numbers of one sequence')
  t.same(
    groupIds.filter((id: number) => allUserIds.includes(id)),
    [],
    'no number is both a user and a group',
  )
})
