// Messaging over the real groups and roster: members send, kicked members cannot, a blacklist stops a one-to-one send.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { history, send, sendText } from '../helpers/messages.ts'

t.test('messages see the groups and friends of the other surfaces', async (t) => {
  const app = await buildTestApp(t)
  const owner = await registerUser(app)
  const member = await registerUser(app)
  const outsider = await registerUser(app)
  const rest = (token: string, url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { 'access-token': token }, payload }).then((r) => r.json())

  const created = await rest(owner.token, '/group/create', { name: 'talk', user_list: [member.userId] })
  const groupId = created.data.group_id as number
  const msgId = await sendText(app, member.token, groupId, 'hello group', 2)
  const page = await history(app, owner.token, { opposite_id: groupId, type: 2 })
  t.match(
    page,
    { code: 200, data: { messages: [{ msg_id: msgId, from_xid: { uid: member.userId }, to_xid: { uid: groupId }, content: 'hello group' }] } },
    "the owner reads the member's group message",
  )
  t.equal(page.data.messages.length, 1)
  t.match(await send(app, outsider.token, { type: 2, targets: [groupId], content: 'let me in' }), { code: 20002 }, 'a non-member cannot send')

  // Kicked on the legacy surface: no longer sends on REST.
  const login = await app.inject({
    method: 'POST',
    url: '/user/user!login',
    payload: { 'userVO.userName': owner.username, 'userVO.password': (await import('../helpers/users.ts')).md5(owner.password) },
  })
  const kicked = await app.inject({
    method: 'POST',
    url: '/chat/group!deleteUser',
    headers: { uid: login.headers.uid as string, accessToken: login.headers.accesstoken as string },
    payload: { groupId: String(groupId), groupUserId: String(member.userId) },
  })
  t.match(kicked.json(), { success: true })
  t.match(await send(app, member.token, { type: 2, targets: [groupId], content: 'still here?' }), { code: 20002 })

  // The roster's blacklist: blocked users cannot message the blocker, the other way still works.
  t.ok((await sendText(app, outsider.token, owner.userId, 'hi')) > 0, 'strangers may write before the block')
  t.match(await rest(owner.token, '/roster/block', { user_id: outsider.userId }), { code: 200 })
  t.match(await send(app, outsider.token, { targets: [owner.userId], content: 'hi again' }), { code: 10006 })
  t.ok((await sendText(app, owner.token, outsider.userId, 'I can still write')) > 0)
})
