// MaxIM SDK account calls in depth: closing an account, name_check, unverified numbers, login by SMS code, register-and-bind, changing the number, hidden member info.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { befriend, registerUser, type TestUser } from '../helpers/users.ts'
import { setProfile } from '../helpers/roster.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'
import { newCaptcha, sendCodeAfterCaptcha } from '../helpers/captcha.ts'
import { history, sendText } from '../helpers/messages.ts'

let serial = 0
const newMobile = () => `137${String(process.pid % 10000).padStart(4, '0')}${String(++serial).padStart(4, '0')}`

t.test('MaxIM SDK account calls', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  const call = async (method: 'GET' | 'POST', url: string, payload?: object, token?: string) =>
    (
      await app.inject({
        method,
        url,
        headers: { app_id: 'default', ...(token ? { 'access-token': token } : {}) },
        ...(payload ? { payload } : {}),
      })
    ).json()
  const login = (body: object) => call('POST', '/token/user', body)
  const group = async (owner: TestUser, members: TestUser[]) =>
    (await call('POST', '/group/create', { name: 'g', user_list: members.map((m) => m.userId) }, owner.token)).data.group_id as number

  await t.test('POST /user/delete closes the account: tokens, friends, groups, profile go; messages and the username stay', async (t) => {
    const leaving = await registerUser(app)
    const [friend, admin, member, other, applicant] = await Promise.all([
      registerUser(app),
      registerUser(app),
      registerUser(app),
      registerUser(app),
      registerUser(app),
    ])
    await befriend(app, leaving, friend)
    await call('POST', '/user/authmode?value=1', {}, leaving.token)
    await call('POST', '/roster/apply', { user_id: leaving.userId, alias: 'x', reason: 'hi' }, applicant.token)
    const msgId = await sendText(app, leaving.token, friend.userId, 'before I go')
    // Owned with an admin (who joined after a member), owned with members only, owned alone, and joined.
    const withAdmin = await group(leaving, [member, admin])
    await call('POST', '/group/admin/add', { group_id: withAdmin, user_list: [admin.userId] }, leaving.token)
    const membersOnly = await group(leaving, [member, other])
    const alone = await group(leaving, [])
    const joined = await group(other, [leaving, member])

    t.match(await call('POST', '/user/delete', { password: 'wrong-password' }, leaving.token), { code: 11001 }, 'the password is checked')
    t.equal((await call('GET', '/user/profile', undefined, leaving.token)).code, 200, 'and nothing changed')
    t.match(await call('POST', '/user/delete', { password: leaving.password }, leaving.token), { code: 200, data: true })

    t.equal((await call('GET', '/user/profile', undefined, leaving.token)).code, 402, 'its tokens are revoked')
    t.match(await login({ name: leaving.username, password: leaving.password }), { code: 10023 }, 'login says the account is closed')
    const legacy = await app.inject({
      method: 'POST',
      url: '/user/user!login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `userVO.userName=${leaving.username}&userVO.password=${leaving.password}`,
    })
    t.equal(legacy.json().success, false, 'the legacy login refuses it too')
    t.equal((await call('GET', `/app/user/name_check?username=${leaving.username}`, undefined, friend.token)).data, false, 'its username stays taken')
    t.match(await call('POST', '/user/register/v2', { username: leaving.username, password: 'another-pw' }), { code: 10004 }, 'nobody can register it')
    t.match(await call('GET', `/roster/name?username=${leaving.username}`, undefined, friend.token), { code: 10000 }, 'nobody finds it by name')

    const friends = (await call('GET', '/roster/list', undefined, friend.token)).data as Array<number | { user_id: number }>
    t.notOk(
      friends.some((f) => (typeof f === 'number' ? f : f.user_id) === leaving.userId),
      'it left its friends’ lists',
    )
    t.notOk(
      JSON.stringify((await call('GET', '/roster/apply/list', undefined, applicant.token)).data).includes(`${leaving.userId}`),
      'its applications are gone',
    )
    t.match(await call('POST', '/roster/apply', { user_id: leaving.userId, alias: 'a' }, friend.token), { code: 10000 }, 'nobody can befriend it')

    t.equal(
      (await call('GET', `/group/info?group_id=${withAdmin}`, undefined, admin.token)).data.owner_id,
      admin.userId,
      'an admin takes over before an older member',
    )
    t.equal(
      (await call('GET', `/group/info?group_id=${membersOnly}`, undefined, member.token)).data.owner_id,
      member.userId,
      'else the longest-standing member',
    )
    t.equal((await call('GET', `/group/info?group_id=${alone}`, undefined, admin.token)).data.status, 1, 'a group with nobody left is dismissed')
    const joinedMembers = (await call('GET', `/group/member_list?group_id=${joined}`, undefined, other.token)).data as Array<{ user_id: number }>
    t.notOk(
      joinedMembers.some((m) => m.user_id === leaving.userId),
      'it left the groups it had joined',
    )

    const messages = (await history(app, friend.token, { opposite_id: leaving.userId })).data
    t.ok(JSON.stringify(messages).includes('before I go'), 'its messages stay')
    t.ok(JSON.stringify(messages).includes(String(msgId)))
    const [shown] = (await call('POST', '/roster/list', { list: [leaving.userId] }, friend.token)).data as Array<{ user_id: number; nick_name: string }>
    t.match(shown, { user_id: leaving.userId, nick_name: '' }, 'senders still resolve: the account, its profile cleared')
  })

  await t.test('GET /app/user/name_check answers whether a username is free', async (t) => {
    const me = await registerUser(app)
    t.same(await call('GET', `/app/user/name_check?username=free_${process.pid}_x`, undefined, me.token), { code: 200, message: null, data: true })
    t.equal((await call('GET', `/app/user/name_check?username=${me.username.toUpperCase()}`, undefined, me.token)).data, false, 'taken, whatever the case')
    t.match(await call('GET', '/app/user/name_check?username=12345', undefined, me.token), { code: 10002 }, 'a name no account may have')
  })

  await t.test('a number set without a code is unverified: shown to its owner only, no login, until a code proves it', async (t) => {
    const me = await registerUser(app)
    const other = await registerUser(app)
    const mobile = newMobile()
    t.equal((await call('POST', `/user/mobile?mobile=${mobile}`, {}, me.token)).data, true)
    t.match((await call('GET', '/user/profile', undefined, me.token)).data, { mobile, mobile_verified: false }, 'the owner sees it, unverified')
    t.match(await login({ mobile, password: me.password }), { code: 10013 }, 'it is no login name')
    t.not((await call('GET', `/roster/mobile?mobile=${mobile}`, undefined, other.token)).data?.user_id, me.userId, 'nobody finds the owner by it')
    t.equal((await call('POST', '/app/user/mobile_update', { mobile }, other.token)).data, true, 'another account may type the same number')

    await sendCodeAfterCaptcha(app, mobile)
    t.equal((await call('POST', '/app/user/mobile_bind', { mobile, captcha: lastCode(app, mobile) }, me.token)).data, true, 'a code proves it')
    t.match((await call('GET', '/user/profile', undefined, me.token)).data, { mobile, mobile_verified: true })
    t.equal((await login({ mobile, password: me.password })).code, 200, 'now it logs in')
  })

  await t.test('login by SMS code: picture captcha, sms_web, info_pwd, a one-time password for /token/user', async (t) => {
    const me = await registerUser(app)
    const mobile = newMobile()
    await setProfile(app, me.userId, { mobile })

    const picture = await app.inject({ method: 'GET', url: `/app/captcha/image?image_id=${(await newCaptcha(app)).imageId}&app_id=default` })
    t.equal(picture.headers['content-type'], 'image/svg+xml', 'the picture is an SVG an <img> shows')
    const wrong = await newCaptcha(app)
    const bad = wrong.text === '0000' ? '1111' : '0000'
    t.match(await call('GET', `/app/captcha/sms_web?captcha=${bad}&image_id=${wrong.imageId}&mobile=${mobile}`), { code: 11014 }, 'a wrong picture code')
    t.match(await call('GET', `/app/captcha/sms_web?captcha=${wrong.text}&image_id=${wrong.imageId}&mobile=${mobile}`), { code: 11014 }, 'one try per picture')

    await sendCodeAfterCaptcha(app, mobile)
    const again = await newCaptcha(app)
    t.equal(
      (await call('GET', `/app/captcha/sms_web?captcha=${again.text}&image_id=${again.imageId}&mobile=${mobile}`)).code,
      10015,
      'one code per number per minute',
    )

    t.match(await call('GET', `/app/user/info_pwd?captcha=000000&mobile=${mobile}`), { code: 10001 }, 'a wrong SMS code')
    const answer = (await call('GET', `/app/user/info_pwd?captcha=${lastCode(app, mobile)}&mobile=${mobile}`)).data
    t.match(answer, { username: me.username, password: /^[0-9a-f]{32}$/, sign: null })
    t.equal((await login({ name: answer.username, password: answer.password })).data.user_id, me.userId, 'the SDK logs in with it')
    t.match(await login({ name: answer.username, password: answer.password }), { code: 10013 }, 'once')
    t.equal((await login({ name: me.username, password: me.password })).code, 200, 'the real password still works')
    // An account without a username is handed its number as the name: /token/user takes a name that is a number as the mobile.
    t.equal((await login({ name: mobile, password: me.password })).data.user_id, me.userId, 'a name that is a mobile number logs in by it')
  })

  await t.test('register and bind: info_pwd signs a number without an account; the sign binds it to the account this client registers next', async (t) => {
    const mobile = newMobile()
    await sendCodeAfterCaptcha(app, mobile)
    const { sign, username } = (await call('GET', `/app/user/info_pwd?captcha=${lastCode(app, mobile)}&mobile=${mobile}`)).data
    t.equal(username, null)
    t.match(await call('POST', '/app/user/mobile_bind_with_sign', { mobile, sign }), { code: 10010 }, 'no account registered since the sign: nothing to bind')
    const me = await registerUser(app)
    t.match(await call('POST', '/app/user/mobile_bind_with_sign', { mobile: newMobile(), sign }), { code: 10002 }, 'the sign is for its own number only')
    t.equal((await call('POST', '/app/user/mobile_bind_with_sign', { mobile, sign })).data, true)
    t.equal((await login({ mobile, password: me.password })).data.user_id, me.userId, 'the new account logs in by the number')
    t.match(await call('POST', '/app/user/mobile_bind_with_sign', { mobile, sign }, me.token), { code: 10002 }, 'a sign is used once')
  })

  await t.test('changing the bound number: password or old-number code, then the new number with its code', async (t) => {
    const me = await registerUser(app)
    const [old, next, third] = [newMobile(), newMobile(), newMobile()]
    await setProfile(app, me.userId, { mobile: old })
    // By a code to the current number (sent after a picture captcha, as the change page does).
    await sendCodeAfterCaptcha(app, old)
    const byMobile = (await call('POST', '/app/user/mobile_prechange_by_mobile', { mobile: old, captcha: lastCode(app, old) }, me.token)).data
    t.match(byMobile, { sign: /^[0-9a-f]{48}$/ }, 'a code to the current number proves the owner')
    await sendCodeAfterCaptcha(app, next)
    const stranger = await registerUser(app)
    t.match(
      await call('POST', '/app/user/mobile_change', { mobile: next, captcha: lastCode(app, next), sign: byMobile.sign }, stranger.token),
      { code: 10002 },
      'the sign is mine only',
    )
    t.equal((await call('POST', '/app/user/mobile_change', { mobile: next, captcha: lastCode(app, next), sign: byMobile.sign }, me.token)).data, true)
    t.equal((await login({ mobile: next, password: me.password })).data.user_id, me.userId, 'the new number logs in')
    t.match(await login({ mobile: old, password: me.password }), { code: 10013 }, 'the old one no longer')

    // By password.
    t.match(await call('POST', '/app/user/mobile_prechange_by_password', { password: 'not-mine-at-all' }, me.token), { code: 11001 })
    const { sign } = (await call('POST', '/app/user/mobile_prechange_by_password', { password: me.password }, me.token)).data
    await sendCodeAfterCaptcha(app, third)
    t.match(await call('POST', '/app/user/mobile_change', { mobile: third, captcha: '000000', sign }, me.token), { code: 10001 }, 'a wrong code')
    t.equal(
      (await call('POST', '/app/user/mobile_change', { mobile: third, captcha: lastCode(app, third), sign }, me.token)).data,
      true,
      'the sign survives a wrong code',
    )
    t.match(
      await call('POST', '/app/user/mobile_change', { mobile: third, captcha: lastCode(app, third), sign }, me.token),
      { code: 10002 },
      'and is used once',
    )
    t.match((await call('GET', '/user/profile', undefined, me.token)).data, { mobile: third, mobile_verified: true })
  })

  await t.test('hide_member_info: ordinary members see the others’ ids only; owner and admins see all; REST and the facade', async (t) => {
    const [owner, admin, member] = [await registerUser(app), await registerUser(app), await registerUser(app)]
    const id = await group(owner, [admin, member])
    await call('POST', '/group/admin/add', { group_id: id, user_list: [admin.userId] }, owner.token)
    await call('POST', '/group/display_name', { group_id: id, value: 'Boss' }, owner.token)
    t.equal((await call('GET', '/app/config?platform=6')).data.hide_member_info, true, 'the app lets groups hide member info')
    t.match(
      await call('POST', '/group/settings/hide_member_info', { group_id: id, value: 1 }, member.token),
      { code: 20012 },
      'a setting for the owner and admins',
    )
    t.equal((await call('POST', '/group/settings/hide_member_info', { group_id: id, value: 1 }, owner.token)).data, true, 'the web UI sends 0/1')
    t.equal((await call('GET', `/group/info?group_id=${id}`, undefined, member.token)).data.hide_member_info, true)

    const cardOf = async (viewer: TestUser) =>
      ((await call('GET', `/group/member_list?group_id=${id}`, undefined, viewer.token)).data as Array<{ user_id: number; display_name: string }>).find(
        (m) => m.user_id === owner.userId,
      )!.display_name
    t.equal(await cardOf(member), '', 'an ordinary member sees the id only')
    t.equal(await cardOf(admin), 'Boss', 'an admin sees everything')
    const facade = await app.inject({ method: 'GET', url: `/api/im/group/${id}/users/`, headers: { authorization: `Token ${member.token}` } })
    const ownerRow = (facade.json().results as Array<{ id: number; nick: string; username: string }>).find((r) => r.id === owner.userId)!
    t.match(ownerRow, { nick: '', username: '' }, 'the facade list hides it too')

    await call('POST', '/group/settings/hide_member_info', { group_id: id, value: 0 }, owner.token)
    t.equal(await cardOf(member), 'Boss', 'switched off, members see each other again')
  })
})
