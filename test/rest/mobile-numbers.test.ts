// Mobile numbers are one number however written (E.164), and a user binds a new one only with a code sent to it.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'

t.test('mobile numbers', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) =>
    (await app.inject({ method, url, payload: payload as object, headers: { ...(token ? { 'access-token': token } : {}), ...headers } })).json()
  const legacy = async (action: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    (await app.inject({ method: 'POST', url: `/user/user!${action}`, payload: form, headers })).json()
  const outbox = () =>
    readFileSync(app.config.SMS_OUTBOX, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { mobile: string; purpose: string })

  await t.test('+86, 0086, spaces, dashes and parentheses are one number everywhere', async (t) => {
    t.match(await legacy('sendRegisterCode', { 'userVO.userMobile': '139 1234 5678' }), { success: true })
    t.match(outbox().at(-1), { mobile: '+8613912345678', purpose: 'register' }, 'the code goes to the E.164 number')
    t.match(
      await legacy('sendRegisterCode', { 'userVO.userMobile': '+86 139-1234-5678' }),
      { success: false, code: 10015 },
      'the once-a-minute limit counts the number, not the writing',
    )
    t.match(
      await legacy('register', {
        'userVO.userMobile': '(+86) 13912345678',
        'userVO.password': md5('pw-mobile'),
        telSecurityCode: lastCode(app, '13912345678'),
      }),
      { success: true },
      'the code sent to one writing proves another',
    )

    const login = await call('POST', '/token/login', undefined, { login_name: '0086-139-1234-5678', password: 'pw-mobile' })
    t.equal(login.code, 200, 'login by mobile, written another way')
    t.match(
      await legacy('login', { 'userVO.userName': '13912345678', 'userVO.password': md5('pw-mobile') }),
      { success: true, data: { userVO: { phoneNumber: '13912345678' } } },
      'legacy shows the 11 digits it always showed',
    )
    t.match(await call('GET', '/user/profile', login.data.token), { data: { mobile: '13912345678' } })
    t.match(await legacy('sendRegisterCode', { 'userVO.userMobile': '+8613912345678' }), { success: false, code: 10004 }, 'registered, however written')

    const searcher = await registerUser(app)
    t.match(
      await call('GET', '/roster/mobile?mobile=%2B86%20139%201234%205678', searcher.token),
      { code: 200, data: { user_id: login.data.user_id } },
      '/roster/mobile',
    )
  })

  await t.test('anything that is not a mobile number is refused with a clear error', async (t) => {
    for (const bad of ['1362222222', '12345678901', '+86 10 1234 5678', 'abc', '138-0013-800x']) {
      t.match(
        await legacy('sendRegisterCode', { 'userVO.userMobile': bad }),
        { success: false, code: 10002, info: /userVO.userMobile|mobile/ },
        `send code to ${bad}`,
      )
    }
    const u = await registerUser(app)
    t.match(await call('GET', '/roster/mobile?mobile=12345', u.token), { code: 10002, message: /not a mobile number/ })
    t.match(await call('POST', '/token/login', undefined, { login_name: '1362222222', password: 'x' }), {
      code: 10002,
      message: /username, an email address or a mobile number/,
    })
    t.match(await legacy('updateUser', { 'userExtendVO.phoneNumber': 'call me' }, { uid: String(u.userId), accessToken: u.token }), {
      success: false,
      code: 10002,
      info: /phoneNumber/,
    })
    t.match(await call('POST', '/user/register', undefined, { mobile: '555', password: 'secret1', verification_code: '123456' }), {
      code: 10002,
      message: /not a mobile number/,
    })
  })

  await t.test('a user binds a mobile only with a code sent to it (GET /app/captcha/sms, then code)', async (t) => {
    const u = await registerUser(app)
    // Without a code the number is only noted, unverified (test/rest/sdk-accounts.test.ts): never a login name.
    t.equal((await call('POST', '/user/mobile?mobile=13700000001', u.token)).data, true, 'no code: noted unverified')
    t.match(await call('GET', '/user/profile', u.token), { data: { mobile: '13700000001', mobile_verified: false } })
    t.match(await call('GET', '/roster/mobile?mobile=13700000001', u.token), { code: 10000 }, 'no binding: nobody has the number')
    t.match(await call('GET', '/app/captcha/sms?mobile=13700000001'), { code: 10003 }, 'codes to bind go to signed-in users')
    t.same(await call('GET', '/app/captcha/sms?mobile=137-0000-0001', u.token), { code: 200, message: null, data: true })
    t.match(outbox().at(-1), { mobile: '+8613700000001', purpose: 'bind' })
    const code = lastCode(app, '13700000001')
    t.match(await call('POST', `/user/mobile?mobile=13700000001&code=${code === '000000' ? '111111' : '000000'}`, u.token), { code: 10001 })
    t.match(await call('POST', `/user/mobile?mobile=13700000002&code=${code}`, u.token), { code: 10001 }, 'a code proves only the number it was sent to')
    t.same(await call('PUT', `/user/mobile?mobile=%2B8613700000001&code=${code}`, u.token), { code: 200, message: null, data: true })
    t.match(await call('GET', '/user/profile', u.token), { data: { mobile: '13700000001' } })
    t.match(await call('POST', `/user/mobile?mobile=13700000001&code=${code}`, u.token), { code: 10001 }, 'single use')

    const other = await registerUser(app)
    t.match(await call('GET', '/app/captcha/sms?mobile=13700000001', other.token), { code: 10011 }, "no code to someone else's number")
    t.match(await call('GET', '/app/captcha/sms?mobile=13700000001', u.token), { code: 10011, message: /already yours/ })

    // MaxIM's web SDK binds through /app/user/mobile_bind with `captcha`.
    t.equal((await call('GET', '/app/captcha/sms?mobile=13700000003', u.token)).code, 200)
    t.same(await call('POST', '/app/user/mobile_bind', u.token, { mobile: '13700000003', captcha: lastCode(app, '13700000003') }), {
      code: 200,
      message: null,
      data: true,
    })
    t.match(await call('GET', '/user/profile', u.token), { data: { mobile: '13700000003' } }, 'changed to the new number')
    t.match(await call('GET', '/roster/mobile?mobile=13700000001', other.token), { code: 10000 }, 'the old number is free again')
  })

  await t.test('the admin token sets a mobile directly, as 002 shows; taken numbers are refused', async (t) => {
    const u = await registerUser(app)
    t.same(await call('POST', '/user/mobile?mobile=%2B44%207911%20123456', ADMIN_TOKEN, undefined, { user_id: String(u.userId) }), {
      code: 200,
      message: null,
      data: true,
    })
    t.match(await call('GET', '/user/profile', u.token), { data: { mobile: '+447911123456' } }, 'numbers outside China are shown in E.164')
    t.match(await call('POST', '/user/mobile?mobile=13700000003', ADMIN_TOKEN, undefined, { user_id: String(u.userId) }), { code: 10011 })
  })
})
