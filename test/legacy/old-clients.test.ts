// The legacy surface as the old apps really call it: short digests, Struts URLs and methods, every body encoding, headers as printed.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { md5, registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'
import { exactHeader, headerNames, rawRequest } from '../helpers/raw-http.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

/** A multipart/form-data body of text fields only, as some old apps post every form. */
function multipart(fields: Record<string, string>) {
  const boundary = '----oldapp'
  const body = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('')
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `${body}--${boundary}--\r\n` }
}

/** The digest as Java's BigInteger(1, md5).toString(16) prints it: without leading zeros. */
const javaDigest = (password: string) => md5(password).replace(/^0+/, '')

/** A password whose MD5 digest starts with exactly `zeros` zeros. */
function passwordWithLeadingZeros(zeros: number, prefix: string): string {
  for (let i = 0; ; i++) {
    const digest = md5(`${prefix}${i}`)
    if (digest.startsWith('0'.repeat(zeros)) && digest[zeros] !== '0') return `${prefix}${i}`
  }
}

t.test('legacy surface as old clients call it', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  const rest = restAs(app)
  const session = (u: TestUser) => ({ uid: String(u.userId), accessToken: u.token })
  const post = async (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    (await app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(fields) })).json()
  const restLogin = async (name: string, password: string) =>
    (await app.inject({ method: 'POST', url: '/token/login', payload: { login_name: name, password } })).json()

  await t.test('digests without leading zeros: login, register, updatePassword and noLoginUpdatePassword; one account everywhere', async (t) => {
    const password = passwordWithLeadingZeros(2, 'zero-a-')
    t.equal(javaDigest(password).length, 30, 'a 30-character digest, as the old apps send it')
    const user = await registerUser(app, 'zeros_user', password)
    const login = await app.inject({
      method: 'POST',
      url: '/user/user!login',
      headers: FORM,
      payload: form({ 'userVO.userName': 'zeros_user', 'userVO.password': javaDigest(password) }),
    })
    t.match(login.json(), { success: true, info: '登录成功', data: { userVO: { userId: user.userId } } }, 'logs in with the short digest')
    const facade = await app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: `Token ${String(login.headers.accesstoken)}` } })
    t.equal(facade.statusCode, 200, 'the session works on the facade')
    t.equal((await restLogin('zeros_user', password)).code, 200, 'and the plaintext on REST')

    const next = passwordWithLeadingZeros(1, 'zero-b-')
    const s = { uid: login.headers.uid as string, accessToken: login.headers.accesstoken as string }
    t.same(await post('/user/user!updatePassword', { oldPassword: javaDigest(password), 'userVO.password': javaDigest(next) }, s), {
      success: true,
      info: '用户密码修改成功',
    })
    t.equal((await restLogin('zeros_user', next)).code, 200, 'the new password, sent short, is the REST password')

    const mobile = '13700000001'
    await post('/user/user!sendRegisterCode', { 'userVO.userMobile': mobile })
    const registered = passwordWithLeadingZeros(1, 'zero-c-')
    t.same(
      await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': javaDigest(registered), telSecurityCode: lastCode(app, mobile) }),
      { success: true, info: '用户注册成功' },
    )
    t.equal((await restLogin(mobile, registered)).code, 200, 'registered with a short digest, logs in on REST')

    // Another mobile: one code per mobile per minute.
    const resetMobile = '13700000002'
    await app.services.accounts.register({ appId: 'default', mobile: resetMobile, passwordDigest: md5('before-reset') })
    await post('/user/user!sendValidateCodeByRetreve', { 'userVO.userMobile': resetMobile })
    const reset = passwordWithLeadingZeros(2, 'zero-d-')
    t.same(
      await post('/user/user!noLoginUpdatePassword', {
        'userVO.userMobile': resetMobile,
        'userVO.password': javaDigest(reset),
        validateCode: lastCode(app, resetMobile),
      }),
      { success: true, info: '重置密码成功' },
    )
    t.equal((await restLogin(resetMobile, reset)).code, 200, 'reset with a short digest, logs in on REST')
    t.match(
      await post('/user/user!login', { 'userVO.userName': resetMobile, 'userVO.password': md5(reset) }),
      { success: true },
      'the full 32 characters name the same password',
    )
  })

  await t.test("the documents' own example digests are valid input, stray spaces included", async (t) => {
    const mobile = '13800000000'
    await post('/user/user!sendRegisterCode', { 'userVO.userMobile': mobile })
    // 001 §9 and §1 print this 31-character digest.
    t.same(
      await post('/user/user!register', {
        'userVO.userMobile': mobile,
        'userVO.password': 'bae5e3208a3c70e3db642b6631e95b9',
        telSecurityCode: lastCode(app, mobile),
      }),
      { success: true, info: '用户注册成功' },
    )
    const login = await app.inject({
      method: 'POST',
      url: '/user/user!login',
      headers: FORM,
      payload: form({ 'userVO.userName': mobile, 'userVO.password': 'bae5e3208a3c70e3db642b6631e95b9' }),
    })
    t.match(login.json(), { success: true, info: '登录成功' })
    const s = { uid: login.headers.uid as string, accessToken: login.headers.accesstoken as string }
    // 001 §5: a 30-character new password with a leading space.
    t.same(
      await post('/user/user!updatePassword', { oldPassword: 'bae5e3208a3c70e3db642b6631e95b9', 'userVO.password': ' 39c4e285c0377afd56fc495c2d6621' }, s),
      { success: true, info: '用户密码修改成功' },
    )
    t.match(
      await post('/user/user!login', { 'userVO.userName': mobile, 'userVO.password': '0039c4e285c0377afd56fc495c2d6621' }),
      { success: true },
      'the padded digest is the same password',
    )
    t.match(
      await post('/user/user!login', { 'userVO.userName': mobile, 'userVO.password': '39c4e285c0377afd56fc495c2d6621' }),
      { success: true },
      'and so is the short one',
    )
    // 001 §7: the reset example, its mobile and digest with their leading spaces.
    const resetMobile = '13760000000'
    await app.services.accounts.register({ appId: 'default', mobile: resetMobile, passwordDigest: md5('before-reset') })
    await post('/user/user!sendValidateCodeByRetreve', { 'userVO.userMobile': resetMobile })
    t.same(
      await post('/user/user!noLoginUpdatePassword', {
        'userVO.userMobile': ' 13760000000',
        'userVO.password': ' bae5e3208a3c70e3db642b6631e95b9',
        validateCode: lastCode(app, resetMobile),
      }),
      { success: true, info: '重置密码成功' },
    )
    t.match(
      await post('/user/user!login', { 'userVO.userName': resetMobile, 'userVO.password': '0BAE5E3208A3C70E3DB642B6631E95B9' }),
      { success: true },
      'any case, padded or not',
    )
    // Too short to be a digest with dropped zeros: a plaintext PIN sent by mistake.
    t.same(await post('/user/user!login', { 'userVO.userName': mobile, 'userVO.password': '123456' }), {
      success: false,
      info: '参数错误：userVO.password 必须是密码的MD5十六进制摘要',
      code: 10002,
    })
  })

  await t.test('Struts habits: GET as well as POST, and the .action suffix', async (t) => {
    const user = await registerUser(app, 'struts_user', 'struts-pw')
    const query = form({ 'userVO.userName': 'struts_user', 'userVO.password': md5('struts-pw') })
    const viaGet = await app.inject({ method: 'GET', url: `/user/user!login?${query}`, headers: { client: 'C9' } })
    t.match(viaGet.json(), { success: true, info: '登录成功', data: { userVO: { userId: user.userId } } }, 'GET with the query string')
    t.equal(viaGet.headers.uid, String(user.userId))
    const viaAction = await app.inject({ method: 'POST', url: '/user/user!login.action', headers: FORM, payload: query })
    t.match(viaAction.json(), { success: true, info: '登录成功' }, 'POST …!login.action')
    const owner = await registerUser(app)
    const groupId = await createGroup(app, owner, { name: 'struts群' }, [user])
    for (const [method, url] of [
      ['GET', '/chat/group!groupList.action'],
      ['POST', '/chat/group!groupList.action'],
      ['GET', '/chat/group!groupList'],
    ] as const) {
      const r = await app.inject({ method, url, headers: session(user) })
      t.match(r.json(), { success: true, info: '获取群列表成功', groupList: [{ groupId: String(groupId) }] }, `${method} ${url}`)
    }
    const detail = await app.inject({ method: 'GET', url: `/chat/group!getGroupDetail.action?groupId=${groupId}`, headers: session(user) })
    t.match(detail.json(), { success: true, groupInfo: { groupName: 'struts群' } }, 'GET with parameters on the .action URL')
    t.same(
      (await app.inject({ method: 'GET', url: '/chat/group!getGroupDetail.action?groupId=x', headers: session(user) })).json(),
      { success: false, info: '参数错误：groupId 必须是ID（正整数）', code: 10002 },
      'validated the same way',
    )
    t.same((await app.inject({ method: 'GET', url: '/chat/group!getGroupDetail.action', headers: session(user) })).json(), {
      success: false,
      info: '参数错误：缺少参数 groupId',
      code: 10002,
    })
  })

  await t.test('every body encoding on every action: urlencoded, multipart text fields, query string, JSON — and what was sent is stored', async (t) => {
    const user = await registerUser(app, 'encodings_user', 'enc-pw')
    const owner = await registerUser(app, 'encodings_owner')
    const groupId = await createGroup(app, owner, { name: 'enc' }, [user])
    await rest(owner, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: 0 })
    const send = (encoding: string, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
      if (encoding === 'multipart') {
        const m = multipart(fields)
        return app.inject({ method: 'POST', url, headers: { ...m.headers, ...headers }, payload: m.payload })
      }
      if (encoding === 'query') return app.inject({ method: 'POST', url: `${url}?${form(fields)}`, headers })
      if (encoding === 'json') return app.inject({ method: 'POST', url, headers, payload: fields })
      return app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(fields) })
    }
    const read = async () => (await post('/user/user!readUser', {}, session(user))).data.userVO
    for (const encoding of ['urlencoded', 'multipart', 'query', 'json']) {
      const login = await send(encoding, '/user/user!login', { 'userVO.userName': 'encodings_user', 'userVO.password': md5('enc-pw') })
      t.match(login.json(), { success: true }, `${encoding}: login`)
      t.same(
        (
          await send(
            encoding,
            '/user/user!updateUser',
            { 'userVO.sex': '2', 'userExtendVO.nickName': `nick-${encoding}`, 'userExtendVO.city': encoding },
            session(user),
          )
        ).json(),
        { success: true, info: '修改用户信息成功' },
        `${encoding}: updateUser`,
      )
      t.match(await read(), { sex: '2', nickName: `nick-${encoding}`, city: encoding }, `${encoding}: updateUser stored what it was sent`)
      t.match(
        (await send(encoding, '/chat/group!userSetGroup', { groupId: String(groupId), showName: `card-${encoding}` }, session(user))).json(),
        { success: true },
        `${encoding}: userSetGroup`,
      )
      t.equal(
        (await rest(owner, 'POST', '/group/members/display_name', { group_id: groupId, user_list: [user.userId] })).data[0].display_name,
        `card-${encoding}`,
        `${encoding}: the card is stored`,
      )
      t.match(
        (await send(encoding, '/chat/group!updateGroup', { groupId: String(groupId), introduction: `intro-${encoding}` }, session(owner))).json(),
        { success: true },
        `${encoding}: updateGroup`,
      )
      t.equal((await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data.description, `intro-${encoding}`, `${encoding}: the introduction is stored`)
      t.match(
        (
          await send(encoding, '/chat/group!setingGroup', { groupId: String(groupId), messageRemainMode: encoding === 'json' ? '2' : '1' }, session(user))
        ).json(),
        { success: true },
        `${encoding}: setingGroup`,
      )
      t.equal((await rest(user, 'GET', `/group/info?group_id=${groupId}`)).data.msg_mute_mode, encoding === 'json' ? 1 : 0, `${encoding}: the mode is stored`)
      const joiner = await registerUser(app)
      t.match(
        (await send(encoding, '/chat/group!joinGroup', { groupId: String(groupId) }, session(joiner))).json(),
        { success: true, info: '申请入群成功' },
        `${encoding}: joinGroup`,
      )
      t.match((await post('/chat/group!groupList', {}, session(joiner))).groupList, [{ groupId: String(groupId) }], `${encoding}: joined`)
    }
    // JSON numbers where the documents print strings are read as the same values.
    t.match((await app.inject({ method: 'POST', url: '/chat/group!setingGroup', headers: session(user), payload: { groupId, messageRemainMode: 2 } })).json(), {
      success: true,
    })
    t.equal((await rest(user, 'GET', `/group/info?group_id=${groupId}`)).data.msg_mute_mode, 1)
    // Every action reads multipart text fields: none of them answers "missing parameter" when its parameters came that way.
    const actions: Array<[string, Record<string, string>]> = [
      ['/user/user!login', { 'userVO.userName': 'nobody_here', 'userVO.password': md5('x') }],
      ['/user/user!readUser', { userId: String(owner.userId) }],
      ['/user/user!sendRegisterCode', { 'userVO.userMobile': '13700000099' }],
      ['/user/user!sendValidateCodeByRetreve', { 'userVO.userMobile': '13700000098' }],
      ['/user/user!register', { 'userVO.userMobile': '13700000097', 'userVO.password': md5('x'), telSecurityCode: '000000' }],
      ['/user/user!noLoginUpdatePassword', { 'userVO.userMobile': '13700000096', 'userVO.password': md5('x'), validateCode: '000000' }],
      ['/user/user!updatePassword', { oldPassword: md5('wrong'), 'userVO.password': md5('x') }],
      ['/chat/group!getGroupDetail', { groupId: String(groupId) }],
      ['/chat/group!exitGroup', { groupId: '2147483647' }],
      ['/chat/group!deleteUser', { groupId: '2147483647', groupUserId: String(owner.userId) }],
    ]
    for (const [url, fields] of actions) {
      const body = (await send('multipart', url, fields, session(user))).json()
      t.notMatch(body.info, /缺少参数|参数错误/, `${url}: parameters read from a multipart form (${body.info})`)
    }
  })

  await t.test('session headers go back spelled as printed, on the wire; no empty client; signOut hands back no token', async (t) => {
    await registerUser(app, 'wire_user', 'wire-pw')
    const login = await rawRequest(app, {
      method: 'POST',
      path: '/user/user!login',
      headers: { ...FORM, client: 'F9FQXGP8FCM5' },
      body: form({ 'userVO.userName': 'wire_user', 'userVO.password': md5('wire-pw') }),
    })
    t.equal(login.status, 200)
    for (const name of ['uid', 'accessToken', 'client', 'expire']) t.ok(headerNames(login).includes(name), `login sends "${name}" spelled so`)
    t.equal(exactHeader(login, 'client'), 'F9FQXGP8FCM5')
    t.match(exactHeader(login, 'expire'), /^\d{13}$/)
    const headers = { uid: exactHeader(login, 'uid')!, accessToken: exactHeader(login, 'accessToken')! }

    const bare = await rawRequest(app, {
      method: 'POST',
      path: '/user/user!login',
      headers: FORM,
      body: form({ 'userVO.userName': 'wire_user', 'userVO.password': md5('wire-pw') }),
    })
    t.notOk(
      headerNames(bare).some((n) => n.toLowerCase() === 'client'),
      'no client header when the request had none',
    )
    t.ok(headerNames(bare).includes('accessToken'))

    const read = await rawRequest(app, { method: 'POST', path: '/user/user!readUser', headers: { ...headers, client: 'C2', expire: '1411527886457' } })
    t.same(
      headerNames(read).filter((n) => ['uid', 'accesstoken', 'client', 'expire'].includes(n.toLowerCase())),
      ['uid', 'accessToken', 'client', 'expire'],
    )
    t.equal(exactHeader(read, 'accessToken'), headers.accessToken)
    t.equal(exactHeader(read, 'client'), 'C2')
    t.equal(exactHeader(read, 'expire'), exactHeader(login, 'expire'), "expire is the token's, not the one the client sent")
    t.match(read.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1], 'application/json; charset=utf-8')

    const out = await rawRequest(app, { method: 'POST', path: '/user/user!signOut', headers: { ...headers, client: 'C2' } })
    t.same(JSON.parse(out.body), { success: true, info: '用户注销成功' })
    t.notOk(
      headerNames(out).some((n) => ['uid', 'accesstoken', 'client', 'expire'].includes(n.toLowerCase())),
      'no session headers after signing out',
    )
    t.notOk(
      out.headers.some(([, value]) => value === headers.accessToken),
      'the revoked token is not sent back',
    )
  })

  await t.test('every info is Chinese, validation messages naming the field', async (t) => {
    const user = await registerUser(app, 'zh_user')
    const infos: string[] = []
    const ask = async (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const body = await post(url, fields, headers)
      infos.push(body.info)
      return body
    }
    t.same(await ask('/user/user!login', { 'userVO.userName': 'zh_user' }), { success: false, info: '参数错误：缺少参数 userVO.password', code: 10002 })
    t.same(await ask('/chat/group!joinGroup', { groupId: 'abc' }, session(user)), { success: false, info: '参数错误：groupId 必须是ID（正整数）', code: 10002 })
    t.same(await ask('/user/user!readUser', { userId: '-1' }, session(user)), { success: false, info: '参数错误：userId 必须是用户ID（正整数）', code: 10002 })
    t.same(await ask('/user/user!updateUser', { 'userVO.sex': '12345678901' }, session(user)), {
      success: false,
      info: '参数错误：userVO.sex 长度不能超过 8 个字符',
      code: 10002,
    })
    t.same(await ask('/user/user!sendRegisterCode', { 'userVO.userMobile': '' }), { success: false, info: '参数错误：userVO.userMobile 不能为空', code: 10002 })
    t.same(await ask('/chat/group!setingGroup', { groupId: '1', messageRemainMode: '3' }, session(user)), {
      success: false,
      info: '参数错误：messageRemainMode 只能是 1（接收并提示）或 2（接收不提示）',
      code: 10002,
    })
    t.same(await ask('/user/user!uploadPhoto', {}, session(user)), {
      success: false,
      info: '参数错误：请以 multipart/form-data 上传头像文件 userPhoto',
      code: 10002,
    })
    await ask('/user/user!readUser', {})
    await ask('/user/user!nothing', {})
    const json = await app.inject({ method: 'POST', url: '/user/user!login', headers: { 'content-type': 'application/json' }, payload: '{"broken' })
    infos.push(json.json().info)
    t.same(json.json(), { success: false, info: '参数错误：请求内容无法解析', code: 10002 })
    // Parameter names (and MD5, multipart/form-data) stay as spelled; everything else is Chinese.
    const names = [
      'userVO.password',
      'userVO.userMobile',
      'userVO.sex',
      'groupId',
      'userId',
      'messageRemainMode',
      'userPhoto',
      'multipart/form-data',
      'MD5',
      'ID',
    ]
    for (const info of infos) {
      t.notMatch(
        names.reduce((text, name) => text.split(name).join(''), info),
        /[A-Za-z]{2,}/,
        `Chinese: ${info}`,
      )
      t.match(info, /[\u4e00-\u9fff]/)
    }
  })

  await t.test('values the old server refused: sex, age, group type — a clear info and nothing stored', async (t) => {
    const user = await registerUser(app, 'values_user')
    await post('/user/user!updateUser', { 'userVO.sex': '1', 'userExtendVO.age': '30', 'userExtendVO.nickName': 'before' }, session(user))
    t.same(await post('/user/user!updateUser', { 'userVO.sex': '3', 'userExtendVO.nickName': 'after' }, session(user)), {
      success: false,
      info: '参数错误：性别只能是 1（男）或 2（女）',
      code: 10002,
    })
    t.same(await post('/user/user!updateUser', { 'userExtendVO.age': '二十', 'userExtendVO.nickName': 'after' }, session(user)), {
      success: false,
      info: '参数错误：年龄必须是 0 到 150 之间的整数',
      code: 10002,
    })
    t.match(await post('/user/user!updateUser', { 'userExtendVO.age': '151' }, session(user)), { success: false, code: 10002 })
    t.match(
      (await post('/user/user!readUser', {}, session(user))).data.userVO,
      { sex: '1', age: '30', nickName: 'before' },
      'nothing of a refused request is stored',
    )
    t.match(await post('/user/user!updateUser', { 'userVO.sex': ' 2 ', 'userExtendVO.age': '028' }, session(user)), { success: true })
    t.match((await post('/user/user!readUser', {}, session(user))).data.userVO, { sex: '2', age: '28' }, 'stored as the documents print them')

    const groupId = await createGroup(app, user, { name: 'types' })
    t.same(await post('/chat/group!updateGroup', { groupId: String(groupId), type: '3', groupName: 'renamed' }, session(user)), {
      success: false,
      info: '参数错误：群类别 type 只能是 1（项目群）或 2（股东群）',
      code: 10002,
    })
    t.equal((await rest(user, 'GET', `/group/info?group_id=${groupId}`)).data.name, 'types', 'the name sent with it is not stored either')
  })

  await t.test('updateUser: the phone number the user has is accepted however written; another number is refused and nothing stored', async (t) => {
    const mobile = '13912345678'
    await app.services.accounts.register({ appId: 'default', mobile, passwordDigest: md5('phone-pw') })
    const login = await app.inject({
      method: 'POST',
      url: '/user/user!login',
      headers: FORM,
      payload: form({ 'userVO.userName': mobile, 'userVO.password': md5('phone-pw') }),
    })
    const s = { uid: login.headers.uid as string, accessToken: login.headers.accesstoken as string }
    for (const written of [mobile, '+86 139 1234 5678', '0086-139-1234-5678', '86 13912345678']) {
      t.same(
        await post('/user/user!updateUser', { 'userExtendVO.phoneNumber': written, 'userExtendVO.nickName': written }, s),
        { success: true, info: '修改用户信息成功' },
        `unchanged: ${written}`,
      )
    }
    t.match(
      (await post('/user/user!readUser', {}, s)).data.userVO,
      { phoneNumber: mobile, nickName: '86 13912345678' },
      'the mobile as it was; the rest stored',
    )
    t.same(await post('/user/user!updateUser', { 'userExtendVO.phoneNumber': '13900000000', 'userExtendVO.nickName': 'changed' }, s), {
      success: false,
      info: '手机号是登录账号，不能在修改资料时更改',
      code: 10010,
    })
    t.match((await post('/user/user!readUser', {}, s)).data.userVO, { phoneNumber: mobile, nickName: '86 13912345678' }, 'nothing of it stored')
    t.match(await post('/user/user!login', { 'userVO.userName': mobile, 'userVO.password': md5('phone-pw') }), { success: true }, 'the login name is unchanged')
    const noMobile = await registerUser(app, 'no_mobile_user')
    t.match(
      await post('/user/user!updateUser', { 'userExtendVO.phoneNumber': '13911111111' }, session(noMobile)),
      { success: false, code: 10010 },
      'nor is a number bound here',
    )
  })

  await t.test("updateGroup's type is the group's ext.groupType on REST, both ways", async (t) => {
    const owner = await registerUser(app, 'ext_owner')
    const groupId = await createGroup(app, owner, { name: 'ext群', ext: JSON.stringify({ projectName: '悦尚九鲜', groupType: '1', color: 'red' }) })
    t.match(await post('/chat/group!updateGroup', { groupId: String(groupId), type: '2' }, session(owner)), { success: true })
    const info = (await rest(owner, 'GET', `/group/info?group_id=${groupId}`)).data
    t.same(JSON.parse(info.ext), { projectName: '悦尚九鲜', groupType: '2', color: 'red' }, 'legacy → REST: the other keys and the JSON type kept')
    await rest(owner, 'POST', '/group/info/ext', { group_id: groupId, value: JSON.stringify({ projectName: '悦尚九鲜', groupType: 1 }) })
    t.match((await post('/chat/group!groupList', {}, session(owner))).groupList, [{ groupId: String(groupId), type: '1' }], 'REST → legacy')
    const plain = await createGroup(app, owner, { name: 'no ext' })
    await post('/chat/group!updateGroup', { groupId: String(plain), type: '2' }, session(owner))
    t.equal((await rest(owner, 'GET', `/group/info?group_id=${plain}`)).data.ext, '{"groupType":2}', 'an empty ext gains the key')
  })

  await t.test('stored photos at the path 000 prints, relative in group details', async (t) => {
    const owner = await registerUser(app, 'photo_owner')
    const groupId = await createGroup(app, owner, { name: 'photos' })
    await app.testDatabase.database.db.updateTable('users').set({ avatar: 'files/avatars/abc.png' }).where('id', '=', owner.userId).execute()
    const detail = await post('/chat/group!getGroupDetail', { groupId: String(groupId) }, session(owner))
    t.equal(detail.userList[0].userPhoto, 'upload/images/userPhoto/abc.png')
  })
})
