// One id names one conversation (semantics §3): every /message/* operation tells a group from a user without `type`.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { ack, history, queryString, unread } from '../helpers/messages.ts'

type Summary = { conversation_id: { uid: number }; type: number; num: number }

t.test('a group and a private conversation are told apart by their id alone, on every /message/* operation', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const [alice, bob, carol] = [await registerUser(app), await registerUser(app), await registerUser(app)]
  const group = await createGroup(app, alice, { name: 'one id' }, [bob])
  await rest(alice, 'POST', '/group/settings/enable_read_ack', { group_id: group, value: true })
  t.notOk(
    [alice, bob, carol].some((u) => u.userId === group),
    "no user has the group's number",
  )
  // Exactly what a MaxIM client sends: the id, and no type.
  const send = (who: TestUser | string, body: object, method: 'POST' | 'PUT' = 'POST', url = '/message/send') => rest(who, method, url, body)
  const recent = async (who: TestUser) =>
    ((await unread(app, who.token)).data as Summary[]).map((c) => [c.type, c.conversation_id.uid, c.num]).sort((a, b) => a[0]! - b[0]!)

  const toGroup = (await send(alice, { targets: [group], content: 'to the group' })).msg_ids[0]
  const toBob = (await send(alice, { targets: [bob.userId], content: 'to bob' }, 'PUT')).msg_ids[0]
  t.ok(toGroup && toBob, 'POST and PUT /message/send without type')

  await t.test('GET /message/conversation?opposite_id= names the group, or the user', async (t) => {
    const groupPage = await history(app, bob.token, { opposite_id: group })
    t.match(groupPage.data.messages, [{ msg_id: toGroup, to_xid: { uid: group }, content: 'to the group' }])
    t.equal(groupPage.data.messages.length, 1, "only the group's messages")
    const pairPage = await history(app, bob.token, { opposite_id: alice.userId })
    t.match(pairPage.data.messages, [{ msg_id: toBob, to_xid: { uid: bob.userId }, content: 'to bob' }])
    t.equal(pairPage.data.messages.length, 1, 'only the private messages')
    t.same(
      (await history(app, bob.token, { opposite_id: group, type: 2 })).data.messages.map((m: { msg_id: number }) => m.msg_id),
      [toGroup],
      'type 2 is still accepted',
    )
    t.match(
      await history(app, bob.token, { opposite_id: group, type: 1 }),
      { code: 10000 },
      'an explicit type 1 names a user: no private chat answers for a group id',
    )
    t.match(
      await history(app, carol.token, { opposite_id: group }),
      { code: 20002 },
      'a non-member is told the group is not theirs, not shown an empty private chat',
    )
  })

  await t.test('GET /message/unread: each conversation once, with its own id and type', async (t) => {
    t.same(await recent(bob), [
      [1, alice.userId, 1],
      [2, group, 1],
    ])
  })

  await t.test("GET /message/ack: conversation_id must be the message's own conversation", async (t) => {
    t.match(await ack(app, bob.token, { msg_id: toBob, conversation_id: group }), { code: 10002 }, 'a private message is not in the group')
    t.match(await ack(app, bob.token, { msg_id: toGroup, conversation_id: alice.userId }), { code: 10002 }, 'a group message is not in the private chat')
    t.match(await ack(app, bob.token, { msg_id: toGroup, conversation_id: group }), { code: 200 })
    t.same(
      await recent(bob),
      [
        [1, alice.userId, 1],
        [2, group, 0],
      ],
      'the group is read, the private chat is not',
    )
    t.match(await ack(app, bob.token, { msg_id: toBob, conversation_id: alice.userId }), { code: 200 })
    t.same(await recent(bob), [
      [1, alice.userId, 0],
      [2, group, 0],
    ])
  })

  await t.test('read receipts, recall, append and replace go to the conversation the id names', async (t) => {
    t.match(await send(bob, { targets: [group], content_type: 9, related_mid: toGroup }), { code: 200 }, 'READ_ACK in the group')
    t.match(
      await send(bob, { targets: [alice.userId], content_type: 9, related_mid: toGroup }),
      { code: 10002 },
      'a group message is no message of the private chat',
    )
    t.match(await send(alice, { targets: [bob.userId], content_type: 10, related_mid: toGroup }), { code: 10002 })
    t.match(await send(alice, { targets: [group], content_type: 10, related_mid: toBob }), { code: 10002 }, 'a private message is no message of the group')
    t.match(await send(alice, { targets: [group], content_type: 11, related_mid: toGroup, content: ' more' }), { code: 200 }, 'APPEND in the group')
    t.match(
      await send(alice, { targets: [bob.userId], content_type: 12, related_mid: toBob, content: 'to bob, fixed' }),
      { code: 200 },
      'REPLACE in the private chat',
    )
    t.match(await send(alice, { targets: [group], content_type: 10, related_mid: toGroup }), { code: 200 }, 'RECALL in the group')
    t.match(
      (await history(app, bob.token, { opposite_id: group })).data.messages.find((m: { msg_id: number }) => m.msg_id === toGroup),
      { recalled: true },
    )
    t.notOk(
      (await history(app, bob.token, { opposite_id: alice.userId })).data.messages.some((m: { recalled?: boolean }) => m.recalled),
      'nothing recalled in the private chat',
    )
  })

  await t.test('POST/PUT /message/notify without type', async (t) => {
    t.match(await send(ADMIN_TOKEN, { targets: [group], content: 'system to the group' }, 'POST', '/message/notify'), { code: 200 })
    t.match(await send(ADMIN_TOKEN, { targets: [carol.userId], content: 'system to carol' }, 'PUT', '/message/notify'), { code: 200 })
    t.match((await history(app, bob.token, { opposite_id: group, limit: 1 })).data.messages, [
      { from_xid: { uid: 0 }, to_xid: { uid: group }, content: 'system to the group' },
    ])
    t.match((await history(app, carol.token, { opposite_id: 0 })).data.messages, [{ to_xid: { uid: carol.userId }, content: 'system to carol' }])
  })

  await t.test('one send names one kind: users and groups together are refused, nothing is stored', async (t) => {
    const before = (await history(app, bob.token, { opposite_id: group })).data.messages.length
    t.match(await send(alice, { targets: [group, bob.userId], content: 'both' }), { code: 10002, message: /users and groups/ })
    t.equal((await history(app, bob.token, { opposite_id: group })).data.messages.length, before)
  })

  await t.test('DELETE /message/conversation?conversation_id= hides the conversation the id names, only that one', async (t) => {
    await send(alice, { targets: [group], content: 'news' })
    await send(alice, { targets: [bob.userId], content: 'psst' })
    const del = async (id: number) =>
      (
        await app.inject({ method: 'DELETE', url: `/message/conversation?${queryString({ conversation_id: id })}`, headers: { 'access-token': bob.token } })
      ).json()
    t.match(await del(group), { code: 200, data: true })
    t.same(await recent(bob), [[1, alice.userId, 1]], 'the group left the list; the private chat stays, unread')
    t.match(await del(alice.userId), { code: 200, data: true })
    t.same(await recent(bob), [])
  })
})
