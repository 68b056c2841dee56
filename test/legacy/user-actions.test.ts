// Legacy user! actions of 001 beyond the slice: registration and reset by SMS code, updateUser, uploadPhoto, updatePassword.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { md5 } from '../helpers/users.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
})

function multipart(field: string, filename: string, content: Buffer) {
  const boundary = '----imgatewaytest'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload }
}

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01])
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])

t.test('legacy user actions', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const f = form(fields)
    return app.inject({ method: 'POST', url, headers: { ...f.headers, ...headers }, payload: f.payload }).then((r) => ({ body: r.json(), headers: r.headers }))
  }
  const loginLegacy = async (mobile: string, password: string) => {
    const r = await post('/user/user!login', { 'userVO.userName': mobile, 'userVO.password': md5(password) })
    return { body: r.body, session: { uid: r.headers.uid as string, accessToken: r.headers.accesstoken as string } }
  }

  await t.test('sendRegisterCode + register; the account logs in on REST with the plaintext', async (t) => {
    const mobile = '13800138000'
    t.same((await post('/user/user!sendRegisterCode', { 'userVO.userMobile': ` ${mobile}` })).body, { success: true, info: '验证码已发送到手机' })
    const code = lastCode(app, mobile)
    t.match(code, /^\d{6}$/)
    t.same(
      (await post('/user/user!sendRegisterCode', { 'userVO.userMobile': mobile })).body,
      { success: false, info: '操作过于频繁，请稍后再试', code: 10015 },
      'one code per minute per mobile',
    )
    t.match(
      (await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': 'plaintext', telSecurityCode: code })).body,
      { success: false, code: 10002 },
      'the password must be an MD5 digest',
    )
    t.same((await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': md5('reg-pass'), telSecurityCode: code })).body, {
      success: true,
      info: '用户注册成功',
    })
    t.match(
      (await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': md5('reg-pass'), telSecurityCode: code })).body,
      { success: false, code: 10001 },
      'a code is used once',
    )
    const rest = await app.inject({ method: 'POST', url: '/token/login', payload: { login_name: mobile, password: 'reg-pass' } })
    t.equal(rest.json().code, 200)
    t.same((await post('/user/user!sendRegisterCode', { 'userVO.userMobile': mobile })).body, { success: false, info: '该用户已注册', code: 10004 })
  })

  await t.test('five wrong codes lock the code, even the right one is then refused', async (t) => {
    const mobile = '13800138001'
    await post('/user/user!sendRegisterCode', { 'userVO.userMobile': mobile })
    const code = lastCode(app, mobile)
    const wrong = code === '000000' ? '000001' : '000000'
    for (let i = 0; i < 5; i++) {
      t.same((await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': md5('p'), telSecurityCode: wrong })).body, {
        success: false,
        info: '验证码错误',
        code: 10001,
      })
    }
    t.same((await post('/user/user!register', { 'userVO.userMobile': mobile, 'userVO.password': md5('p'), telSecurityCode: code })).body, {
      success: false,
      info: '验证码错误',
      code: 10001,
    })
    t.match((await loginLegacy(mobile, 'p')).body, { success: false, code: 10013 }, 'no account was made')
  })

  await t.test('reset: sendValidateCodeByRetreve + noLoginUpdatePassword signs out everywhere', async (t) => {
    // Another mobile: this one got a code less than a minute ago.
    const mobile = '13800138002'
    await app.services.accounts.register({ appId: 'default', mobile, passwordDigest: md5('reg-pass') })
    const before = await loginLegacy(mobile, 'reg-pass')
    t.same(
      (await post('/user/user!sendValidateCodeByRetreve', { 'userVO.userMobile': '13800138999' })).body,
      { success: false, info: '用户不存在', code: 10000 },
      'reset codes only go to registered mobiles',
    )
    t.same((await post('/user/user!sendValidateCodeByRetreve', { 'userVO.userMobile': mobile })).body, {
      success: true,
      info: '重置密码的验证码已发送到指定手机',
    })
    const code = lastCode(app, mobile)
    t.match(
      (await post('/user/user!noLoginUpdatePassword', { 'userVO.userMobile': mobile, 'userVO.password': md5('new-pass'), validateCode: '12345x' })).body,
      { success: false, code: 10001 },
    )
    t.same((await post('/user/user!noLoginUpdatePassword', { 'userVO.userMobile': mobile, 'userVO.password': md5('new-pass'), validateCode: code })).body, {
      success: true,
      info: '重置密码成功',
    })
    t.match((await post('/user/user!readUser', {}, before.session)).body, { success: false, code: 402 }, 'old session revoked')
    t.match((await loginLegacy(mobile, 'new-pass')).body, { success: true })
    t.match((await loginLegacy(mobile, 'reg-pass')).body, { success: false, code: 10013 })
  })

  await t.test('updateUser changes only the fields sent, only for oneself; REST updates keep them', async (t) => {
    const { session } = await loginLegacy('13800138000', 'reg-pass')
    t.same(
      (
        await post(
          '/user/user!updateUser',
          {
            'userVO.sex': '1',
            'userExtendVO.age': '28',
            'userExtendVO.city': '4103',
            'userExtendVO.nickName': '彪彪',
            'userExtendVO.signature': 'sig',
            'userExtendVO.school': '',
          },
          session,
        )
      ).body,
      { success: true, info: '修改用户信息成功' },
    )
    await post('/user/user!updateUser', { 'userExtendVO.company': 'ACME' }, session)
    await app.inject({ method: 'POST', url: '/user/profile', headers: { 'access-token': session.accessToken }, payload: { description: 'rest change' } })
    const read = (await post('/user/user!readUser', {}, session)).body
    t.match(read.data.userVO, {
      sex: '1',
      age: '28',
      city: '4103',
      company: 'ACME',
      nickName: '彪彪',
      signature: 'sig',
      school: '',
      phoneNumber: '13800138000',
    })
    const rest = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': session.accessToken } })
    t.equal(rest.json().data.nick_name, '彪彪', 'nickName is REST nick_name')
    t.same((await post('/user/user!updateUser', { 'userVO.userId': '99999', 'userVO.sex': '2' }, session)).body, {
      success: false,
      info: '只能修改自己的资料',
      code: 10010,
    })
    t.match((await post('/user/user!updateUser', { 'userVO.sex': '1' })).body, { success: false, code: 10003 })
  })

  await t.test('uploadPhoto: 4 MB PNG and a text file named a.png refused, nothing stored; a 2 MB JPEG served back', async (t) => {
    const { session } = await loginLegacy('13800138000', 'reg-pass')
    const upload = (filename: string, content: Buffer) => {
      const m = multipart('userPhoto', filename, content)
      return app.inject({ method: 'POST', url: '/user/user!uploadPhoto', headers: { ...m.headers, ...session }, payload: m.payload }).then((r) => r.json())
    }
    const stored = () => {
      try {
        return readdirSync(join(app.config.DATA_DIR, 'files', 'avatars'))
      } catch {
        return []
      }
    }

    t.same(await upload('big.png', Buffer.concat([PNG_HEAD, Buffer.alloc(4 * 1024 * 1024)])), { success: false, info: '上传内容过大', code: 10017 })
    t.same(await upload('a.png', Buffer.alloc(10 * 1024, 'just text ')), { success: false, info: '文件格式不支持', code: 10018 })
    t.same(stored(), [], 'nothing stored')

    const jpeg = Buffer.concat([JPEG_HEAD, Buffer.alloc(2 * 1024 * 1024 - JPEG_HEAD.length, 0x5a)])
    t.same(await upload('me.jpg', jpeg), { success: true, info: '上传用户头像成功' })
    const url = (await post('/user/user!readUser', {}, session)).body.data.userVO.userPhoto as string
    t.match(url, new RegExp(`^${PUBLIC_URL}/upload/images/userPhoto/[0-9a-f]{32}\\.jpeg$`), 'at the path 001 prints')
    const served = await app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) })
    t.equal(served.statusCode, 200)
    t.equal(served.headers['content-type'], 'image/jpeg')
    t.ok(served.rawPayload.equals(jpeg), 'byte for byte')
    const rest = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': session.accessToken } })
    const name = url.slice(url.lastIndexOf('/') + 1)
    t.equal(rest.json().data.avatar, `${PUBLIC_URL}/files/avatars/${name}`, 'the same file is the REST avatar')
    t.ok((await app.inject({ method: 'GET', url: `/files/avatars/${name}` })).rawPayload.equals(jpeg), 'served at both paths')

    const png = Buffer.concat([PNG_HEAD, Buffer.alloc(1000)])
    t.same(await upload('new.png', png), { success: true, info: '上传用户头像成功' })
    t.equal(stored().length, 1, 'the replaced avatar file is removed')
    t.match((await app.inject({ method: 'POST', url: '/user/user!uploadPhoto', headers: session })).json(), { success: false, code: 10002 })
  })

  await t.test('updatePassword needs the old digest and signs out everywhere', async (t) => {
    const { session } = await loginLegacy('13800138000', 'reg-pass')
    const rest = await app.inject({ method: 'POST', url: '/token/login', payload: { login_name: '13800138000', password: 'reg-pass' } })
    const restToken = rest.json().data.token
    t.same((await post('/user/user!updatePassword', { oldPassword: md5('wrong'), 'userVO.password': md5('newest') }, session)).body, {
      success: false,
      info: '用户名或密码错误',
      code: 10013,
    })
    t.same((await post('/user/user!updatePassword', { oldPassword: md5('reg-pass'), 'userVO.password': md5('newest') }, session)).body, {
      success: true,
      info: '用户密码修改成功',
    })
    t.match((await post('/user/user!readUser', {}, session)).body, { success: false, code: 402 })
    const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': restToken } })
    t.equal(profile.json().code, 402, 'the REST token is revoked too')
    t.match((await loginLegacy('13800138000', 'newest')).body, { success: true })
  })
})
