// user!* actions of 001: login, readUser, signOut, updateUser, uploadPhoto, passwords, registration codes.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../shared/request-context.ts'
import { clearSessionHeaders, setSessionHeaders } from './auth.ts'
import { renderUserVO, UserVO } from './mapping.ts'
import { given, legacyAction, optionalLegacyId } from './struts.ts'
import { AVATAR_MAX_BYTES } from '../../domain/files/upload-limits.ts'
import { DisplayName } from '../shared/wire.ts'

const Md5Password = (description: string) => Type.String({ description: `${description}（MD5十六进制，可省略前导0）` })
const UserData = { data: Type.Object({ userVO: UserVO }) }

/**
 * The password digest an old app sends, as the lowercase 32-character MD5 hex the verifier is made from.
 * Old apps print the digest with Java's `BigInteger(1, md5).toString(16)`, which drops leading zeros (one
 * password in sixteen has 31 characters, one in 256 has 30, as the documents' own examples do), so a digest
 * of 24 to 32 hex characters is left-padded with zeros. Fewer would take eight leading zero digits (one in
 * four billion) and are far more likely a PIN sent in plain text by mistake: refused, like any other plaintext.
 */
export function legacyDigest(value: string, name: string): string {
  const digest = value.trim()
  if (!/^[0-9a-fA-F]{24,32}$/.test(digest)) {
    throw new DomainError('BAD_PARAMETER', `${name} must be the hex MD5 digest of the password`, { zh: `${name} 必须是密码的MD5十六进制摘要` })
  }
  return digest.toLowerCase().padStart(32, '0')
}

const Mobile = (description: string) => Type.String({ minLength: 1, maxLength: 32, description })
const PROFILE_FIELDS = [
  'sex',
  'age',
  'country',
  'province',
  'city',
  'district',
  'street',
  'company',
  'occupation',
  'role',
  'degrees',
  'school',
  'signature',
] as const

/** updateUser's fields as 001 prints them (`userVO.sex`, the rest under `userExtendVO.`), and their longest values. */
const UPDATE_FIELDS: Array<{ name: string; printed: 'userVO' | 'userExtendVO'; maxLength: number; description: string }> = [
  { name: 'sex', printed: 'userVO', maxLength: 8, description: '性别 1男 2女' },
  { name: 'age', printed: 'userExtendVO', maxLength: 8, description: '年龄' },
  { name: 'phoneNumber', printed: 'userExtendVO', maxLength: 32, description: '电话号码（登录手机号，只能原样提交，不能在此修改）' },
  ...PROFILE_FIELDS.filter((f) => f !== 'sex' && f !== 'age').map((name) => ({ name, printed: 'userExtendVO' as const, maxLength: 256, description: name })),
  { name: 'nickName', printed: 'userExtendVO', maxLength: 64, description: '昵称' },
]

/**
 * Apps send each field under the prefix 001 prints, and some under the other one (login answers every field
 * in `userVO`): both count, the printed one first, so nothing sent is silently dropped.
 */
function updateField(p: Record<string, string | undefined>, field: (typeof UPDATE_FIELDS)[number]): string | undefined {
  const other = field.printed === 'userVO' ? 'userExtendVO' : 'userVO'
  return given(p[`${field.printed}.${field.name}`]) ?? given(p[`${other}.${field.name}`])
}

export function userActions(app: FastifyInstance): void {
  const { accounts, profile, security, verification } = app.services
  const publicUrl = app.config.PUBLIC_URL
  const appId = app.config.DEFAULT_APP_ID

  /** POST /user/user!login */
  legacyAction(app, {
    url: '/user/user!login',
    summary: '用户登录',
    auth: false,
    params: Type.Object({
      'userVO.userName': Type.String({ minLength: 1, description: '用户名，一般是手机号' }),
      'userVO.password': Md5Password('登录密码，加密后的密码'),
    }),
    response: UserData,
    handler: async (p, { request, reply }) => {
      const client = header(request.headers, 'client')
      const { user, issued } = await accounts.login({
        appId,
        name: { by: 'any', loginName: p['userVO.userName'].trim() },
        passwordDigest: legacyDigest(p['userVO.password'], 'userVO.password'),
        clientAddress: request.ip,
        device: client ? { guid: client, userAgent: request.headers['user-agent'] } : undefined,
      })
      setSessionHeaders(reply, { uid: String(user.id), accessToken: issued.token, client, expire: issued.expiresAt })
      return { info: '登录成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: true }) } }
    },
  })

  /** POST /user/user!readUser */
  legacyAction(app, {
    url: '/user/user!readUser',
    summary: '读取用户信息',
    auth: true,
    params: Type.Object({
      userId: Type.Optional(Type.String({ description: '要读取的用户ID；为空表示自己' })),
      'userVO.userId': Type.Optional(Type.String({ description: '同 userId' })),
    }),
    response: UserData,
    handler: async (p, { actor }) => {
      const userId = optionalLegacyId(p.userId, 'userId', 'user id') ?? optionalLegacyId(p['userVO.userId'], 'userVO.userId', 'user id') ?? actor.userId
      const user = await accounts.getUser(actor.appId, userId)
      // Another user's public view leaves out the mobile number.
      return { info: '获取用户信息成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: userId === actor.userId }) } }
    },
  })

  /** POST /user/user!signOut */
  legacyAction(app, {
    url: '/user/user!signOut',
    summary: '用户注销',
    auth: true,
    handler: async (_p, { actor, reply }) => {
      await accounts.signOut(actor)
      // The token just revoked is not handed back.
      clearSessionHeaders(reply)
      return { info: '用户注销成功' }
    },
  })

  /** POST /user/user!updateUser */
  legacyAction(app, {
    url: '/user/user!updateUser',
    summary: '修改用户信息（只改传了值的字段；手机号是登录账号，只能原样提交）',
    auth: true,
    params: Type.Object({
      'userVO.userId': Type.Optional(Type.String({ description: '用户ID（只能是自己）' })),
      ...Object.fromEntries(
        UPDATE_FIELDS.flatMap((f) =>
          ['userVO', 'userExtendVO'].map((prefix) => [
            `${prefix}.${f.name}`,
            Type.Optional(
              f.name === 'nickName'
                ? DisplayName(prefix === f.printed ? f.description : `同 ${f.printed}.${f.name}`, f.maxLength)
                : Type.String({ maxLength: f.maxLength, description: prefix === f.printed ? f.description : `同 ${f.printed}.${f.name}` }),
            ),
          ]),
        ),
      ),
    }),
    handler: async (p, { actor }) => {
      const fields: Record<string, string | undefined> = p
      const target = optionalLegacyId(p['userVO.userId'], 'userVO.userId', 'user id')
      if (target !== undefined && target !== actor.userId) {
        throw new DomainError('NO_PERMISSION', 'only your own profile can be changed', { zh: '只能修改自己的资料' })
      }
      // Only the fields sent change, kept as sent; an empty one means "not set" (001).
      const value = (name: string) =>
        updateField(
          fields,
          UPDATE_FIELDS.find((f) => f.name === name)!,
        )
      const changes = Object.fromEntries(
        PROFILE_FIELDS.flatMap((f) => {
          const v = value(f)
          return v === undefined ? [] : [[f, v]]
        }),
      )
      await profile.updateLegacy(actor.appId, actor.userId, {
        nickName: value('nickName'),
        mobile: value('phoneNumber')?.trim(),
        profile: changes,
      })
      return { info: '修改用户信息成功' }
    },
  })

  /** POST /user/user!uploadPhoto (multipart, file field userPhoto) */
  legacyAction(app, {
    url: '/user/user!uploadPhoto',
    summary: '上传用户头像（jpg、jpeg、bmp、png，不大于3M，按内容识别）',
    auth: true,
    takesFile: true,
    handler: async (_p, { actor, request }) => {
      if (!request.isMultipart()) {
        throw new DomainError('BAD_PARAMETER', 'send the photo as multipart/form-data in the field userPhoto', {
          zh: '请以 multipart/form-data 上传头像文件 userPhoto',
        })
      }
      // One byte over the limit lets the store see the overflow and say so.
      for await (const part of request.parts({ limits: { fileSize: AVATAR_MAX_BYTES + 1, files: 1 } })) {
        if (part.type === 'file' && part.fieldname === 'userPhoto') {
          await profile.uploadAvatar(actor.appId, actor.userId, part.file)
          return { info: '上传用户头像成功' }
        }
        if (part.type === 'file') part.file.resume()
      }
      throw new DomainError('BAD_PARAMETER', 'userPhoto is required', { zh: '缺少头像文件 userPhoto' })
    },
  })

  /** POST /user/user!updatePassword */
  legacyAction(app, {
    url: '/user/user!updatePassword',
    summary: '修改用户密码（成功后所有登录失效）',
    auth: true,
    params: Type.Object({
      oldPassword: Md5Password('旧密码'),
      'userVO.password': Md5Password('新密码'),
    }),
    handler: async (p, { actor }) => {
      await security.changePassword(
        actor.appId,
        actor.userId,
        legacyDigest(p.oldPassword, 'oldPassword'),
        legacyDigest(p['userVO.password'], 'userVO.password'),
      )
      return { info: '用户密码修改成功' }
    },
  })

  /** POST /user/user!sendValidateCodeByRetreve */
  legacyAction(app, {
    url: '/user/user!sendValidateCodeByRetreve',
    summary: '获取重置密码验证码',
    auth: false,
    params: Type.Object({ 'userVO.userMobile': Mobile('用户要重置密码的手机号') }),
    handler: async (p) => {
      await verification.send(appId, mobileOf(p['userVO.userMobile']), 'reset')
      return { info: '重置密码的验证码已发送到指定手机' }
    },
  })

  /** POST /user/user!noLoginUpdatePassword */
  legacyAction(app, {
    url: '/user/user!noLoginUpdatePassword',
    summary: '重置用户登录密码',
    auth: false,
    params: Type.Object({
      'userVO.userMobile': Mobile('用户登陆的手机'),
      'userVO.password': Md5Password('新密码'),
      validateCode: Type.String({ minLength: 1, maxLength: 16, description: '重置密码的验证码' }),
    }),
    handler: async (p) => {
      await security.resetPassword(appId, mobileOf(p['userVO.userMobile']), p.validateCode.trim(), legacyDigest(p['userVO.password'], 'userVO.password'))
      return { info: '重置密码成功' }
    },
  })

  /** POST /user/user!sendRegisterCode */
  legacyAction(app, {
    url: '/user/user!sendRegisterCode',
    summary: '获取注册验证码',
    auth: false,
    params: Type.Object({ 'userVO.userMobile': Mobile('要注册的手机号') }),
    handler: async (p) => {
      await verification.send(appId, mobileOf(p['userVO.userMobile']), 'register')
      return { info: '验证码已发送到手机' }
    },
  })

  /** POST /user/user!register */
  legacyAction(app, {
    url: '/user/user!register',
    summary: '用户注册',
    auth: false,
    params: Type.Object({
      'userVO.userMobile': Mobile('手机号'),
      'userVO.password': Md5Password('用户密码(加密后的密码)'),
      telSecurityCode: Type.String({ minLength: 1, maxLength: 16, description: '注册验证码' }),
    }),
    handler: async (p) => {
      const mobile = mobileOf(p['userVO.userMobile'])
      const passwordDigest = legacyDigest(p['userVO.password'], 'userVO.password')
      const codeId = await verification.check(appId, mobile, 'register', p.telSecurityCode.trim())
      await accounts.register({ appId, mobile, passwordDigest, codeId })
      return { info: '用户注册成功' }
    },
  })
}

/** The documents print mobiles with stray spaces; the number is what counts. */
function mobileOf(value: string): string {
  return value.trim()
}
