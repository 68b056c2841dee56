// The notice log: which REST changes record which group and roster notices for whom, in the change's own transaction.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { setAuthMode } from '../helpers/roster.ts'

t.test('notice log', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const notices = app.services.notices
  /** What a user has been told since `after`, in order: the fields a client sees. */
  const told = async (user: TestUser, after = 0) =>
    (await notices.after(user.userId, after, 100)).map((n) => ({
      kind: n.kind,
      type: n.type,
      groupId: n.groupId,
      actorId: n.actorId,
      subjectIds: n.subjectIds,
      content: n.content,
    }))
  const newest = async (user: TestUser) => (await notices.after(user.userId, 0, 1000)).at(-1)?.id ?? 0

  const owner = await registerUser(app)
  const member = await registerUser(app)
  const outsider = await registerUser(app)
  const groupId = await createGroup(app, owner, { name: 'Club' }, [member])

  await t.test('create: CREATED to the initial members only', async (t) => {
    for (const user of [owner, member])
      t.same(await told(user), [{ kind: 'group', type: 'CREATED', groupId, actorId: owner.userId, subjectIds: [], content: '' }])
    t.same(await told(outsider), [], 'a user outside the group hears nothing')
  })

  await t.test('a user added to the group: JOINED in its name to every member, itself included', async (t) => {
    const marks = { owner: await newest(owner), member: await newest(member) }
    const joiner = await registerUser(app)
    t.match(await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [joiner.userId] }), { code: 200 })
    const joined = { kind: 'group', type: 'JOINED', groupId, actorId: joiner.userId, subjectIds: [], content: '' }
    t.same(await told(owner, marks.owner), [joined])
    t.same(await told(member, marks.member), [joined])
    t.same(await told(joiner), [joined])
    t.same(await told(outsider), [])
  })

  await t.test('applications go to the owner and admins; the answer to them and the applicant', async (t) => {
    const marks = { owner: await newest(owner), member: await newest(member) }
    await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 1 })
    const applicant = await registerUser(app)
    t.match(await rest(applicant, 'POST', '/group/apply', { group_id: groupId, reason: 'let me in' }), { data: { reason: 'pending' } })
    t.same(await told(owner, marks.owner), [
      { kind: 'group', type: 'INFO_UPDATED', groupId, actorId: owner.userId, subjectIds: [], content: '{"apply_approval":1}' },
      { kind: 'group', type: 'APPLYED', groupId, actorId: applicant.userId, subjectIds: [], content: 'let me in' },
    ])
    t.same(
      (await told(member, marks.member)).map((n) => n.type),
      ['INFO_UPDATED'],
      'a plain member is not asked',
    )
    const before = await newest(member)
    await rest(owner, 'POST', '/group/apply/handle', { group_id: groupId, user_id: applicant.userId, approval: true })
    t.same(
      (await told(applicant)).map((n) => [n.type, n.actorId, n.subjectIds]),
      [
        ['JOINED', applicant.userId, []],
        ['APPLY_ACCEPTED', owner.userId, [applicant.userId]],
      ],
    )
    t.same(
      (await told(member, before)).map((n) => n.type),
      ['JOINED'],
      'members hear of the new member only',
    )
  })

  await t.test('kick: KICKED to the members and the kicked; leave: LEAVED to the rest and the leaver', async (t) => {
    const kicked = await registerUser(app)
    const leaver = await registerUser(app)
    await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [kicked.userId, leaver.userId] })
    const marks = { member: await newest(member), kicked: await newest(kicked), leaver: await newest(leaver) }
    await rest(owner, 'POST', '/group/kick', { group_id: groupId, user_list: [kicked.userId] })
    const kick = { kind: 'group', type: 'KICKED', groupId, actorId: owner.userId, subjectIds: [kicked.userId], content: '' }
    t.same(await told(kicked, marks.kicked), [kick])
    t.same(await told(member, marks.member), [kick])
    await rest(leaver, 'POST', `/group/leave?group_id=${groupId}`)
    t.same(
      (await told(leaver, marks.leaver)).map((n) => n.type),
      ['KICKED', 'LEAVED'],
    )
    t.same(
      (await told(kicked, marks.kicked)).map((n) => n.type),
      ['KICKED'],
      'a kicked user no longer hears the group',
    )
  })

  await t.test('a refused change records nothing', async (t) => {
    const marks = { owner: await newest(owner), member: await newest(member), outsider: await newest(outsider) }
    t.match(await rest(member, 'POST', '/group/kick', { group_id: groupId, user_list: [owner.userId] }), { code: 20012 })
    t.match(await rest(member, 'POST', '/group/destroy', { group_id: groupId }), { code: 20013 })
    t.same(await told(owner, marks.owner), [])
    t.same(await told(member, marks.member), [])
  })

  await t.test('a transaction that fails after recording leaves no notice behind', async (t) => {
    const mark = await newest(outsider)
    await t.rejects(
      notices.transaction(async (_trx, log) => {
        await log.record(
          { appId: 'default', kind: 'roster', type: 'ADDED', actorId: owner.userId, subjectIds: [outsider.userId] },
          { users: [outsider.userId] },
        )
        throw new Error('the change failed after its notice')
      }),
      /failed after its notice/,
    )
    t.same(await told(outsider, mark), [])
  })

  await t.test('roster: a request, its acceptance and a removal reach both users', async (t) => {
    const alice = await registerUser(app)
    const bob = await registerUser(app)
    await setAuthMode(app, bob.userId, 1)
    t.match(await rest(alice, 'POST', '/roster/apply', { user_id: bob.userId, reason: 'hi bob' }), { code: 200 })
    const applied = { kind: 'roster', type: 'APPLIED', groupId: null, actorId: alice.userId, subjectIds: [bob.userId], content: 'hi bob' }
    t.same(await told(bob), [applied])
    t.same(await told(alice), [applied], "the applicant's other devices hear it too")
    await rest(bob, 'POST', '/roster/accept', { user_id: alice.userId })
    await rest(alice, 'POST', '/roster/delete', { user_id: bob.userId })
    const rest2 = (user: TestUser) => told(user).then((list) => list.slice(1).map((n) => [n.type, n.actorId, n.subjectIds]))
    t.same(await rest2(bob), [
      ['ACCEPTED', bob.userId, [alice.userId]],
      ['REMOVED', alice.userId, [bob.userId]],
    ])
    t.same(await rest2(alice), await rest2(bob))
  })

  await t.test("roster: friends at once (auth_mode 0) are told ADDED in the new friend's name", async (t) => {
    const carol = await registerUser(app)
    const dave = await registerUser(app)
    await rest(carol, 'POST', '/roster/apply', { user_id: dave.userId })
    t.same(await told(carol), [{ kind: 'roster', type: 'ADDED', groupId: null, actorId: dave.userId, subjectIds: [carol.userId], content: '' }])
    t.same(await told(dave), [{ kind: 'roster', type: 'ADDED', groupId: null, actorId: carol.userId, subjectIds: [dave.userId], content: '' }])
  })
  await t.test('profile: INFO_UPDATED to the user itself, with the fields changed', async (t) => {
    const erin = await registerUser(app)
    t.match(await rest(erin, 'POST', '/user/profile', { nick_name: 'Erin' }), { code: 200 })
    t.same(await told(erin), [{ kind: 'user', type: 'INFO_UPDATED', groupId: null, actorId: erin.userId, subjectIds: [], content: '{"nick_name":"Erin"}' }])
  })
})
