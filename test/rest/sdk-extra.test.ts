// MaxIM SDK calls 002 lacks that this product serves: anonymous registration, and the group QR code under /app/qrcode/*.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { restAs } from '../helpers/groups.ts'

const SDK = { app_id: 'default', 'access-token': '', 'content-type': 'application/json' }

t.test('anonymous registration completes the name, and the visitor logs in with it', async (t) => {
  const app = await buildTestApp(t)
  const register = (payload: object) => app.inject({ method: 'POST', url: '/user/register/anonymous', headers: SDK, payload })
  const first = (await register({ username: 'anon_', password: 'p'.repeat(24), cid: 7 })).json()
  const second = (await register({ username: 'anon_', password: 'p'.repeat(24) })).json()
  t.match(first, { code: 200, data: { username: /^anon_[0-9a-f]{20}$/, user_id: Number } })
  t.not(first.data.username, second.data.username, 'every visitor gets a name of their own')
  const login = await app.inject({ method: 'POST', url: '/token/user', headers: SDK, payload: { name: first.data.username, password: 'p'.repeat(24) } })
  t.match(login.json(), { code: 200, data: { user_id: first.data.user_id } })
  t.equal((await register({ username: 'bad prefix!', password: 'p'.repeat(24) })).json().code, 10002, 'a prefix that cannot start a username')
  t.equal((await register({ username: 'anon_', password: 'short' })).json().code, 10002, 'the password rules hold')
})

t.test("the group QR code under MaxIM's paths", async (t) => {
  const app = await buildTestApp(t)
  const as = restAs(app)
  const [owner, visitor] = [await registerUser(app), await registerUser(app)]
  const groupId = (await as(owner, 'POST', '/group/create', { name: 'qr', type: 1 })).data.group_id
  const before = Date.now()
  const sign = await as(owner, 'GET', `/app/qrcode/group_sign?group_id=${groupId}`)
  t.match(sign, { code: 200, data: { qr_info: String, expired: Number } })
  t.ok(sign.data.expired > before, 'expired is when it stops working, in ms')
  t.equal((await as(visitor, 'GET', `/app/qrcode/group_sign?group_id=${groupId}`)).code, 20002, 'only members may sign')

  const join = await as(visitor, 'GET', `/app/qrcode/group_invite?qr_info=${encodeURIComponent(sign.data.qr_info)}`)
  t.match(join, { code: 200, data: { group_id: groupId } })
  t.ok((await as(visitor, 'GET', '/group/user_joined')).data.includes(groupId), 'joined')
  t.equal((await as(visitor, 'GET', '/app/qrcode/group_invite?qr_info=nonsense')).code, 20024, 'a bad code is refused')
})

t.test('group "do not disturb" is the caller\'s push mode', async (t) => {
  const app = await buildTestApp(t)
  const as = restAs(app)
  const [owner, member] = [await registerUser(app), await registerUser(app)]
  const groupId = (await as(owner, 'POST', '/group/create', { name: 'dnd', user_list: [member.userId] })).data.group_id
  const pushMode = async () => (await as(member, 'GET', `/group/info?group_id=${groupId}`)).data.msg_push_mode
  for (const [value, mode] of [
    [true, 1],
    [false, 0],
    [1, 1],
    [0, 0],
  ] as const) {
    t.match(await as(member, 'POST', '/group/msg/not_disturb', { group_id: groupId, value }), { code: 200, data: true }, `value ${value}`)
    t.equal(await pushMode(), mode, `value ${value}: push mode ${mode}`)
  }
  t.equal((await as(owner, 'GET', `/group/info?group_id=${groupId}`)).data.msg_push_mode, 0, "the owner's own mode is untouched")
  const stranger = await registerUser(app)
  t.equal((await as(stranger, 'POST', '/group/msg/not_disturb', { group_id: groupId, value: true })).code, 20002, 'members only')
})
