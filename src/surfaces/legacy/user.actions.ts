// user!* actions of 001: login, readUser, signOut.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { isMd5Hex } from '../../platform/passwords.ts'
import { header } from '../request-context.ts'
import { setSessionHeaders } from './auth.ts'
import { renderUserVO, UserVO } from './mapping.ts'
import { given, legacyAction } from './struts.ts'
import { AVATAR_MAX_BYTES } from '../../domain/accounts/profile.service.ts'
import { DisplayName } from '../wire.ts'

const Md5Password = (description: string) => Type.String({ description: `${description}（32位MD5十六进制）` })
const UserData = { data: Type.Object({ userVO: UserVO }) }

function requireMd5(value: string, name: string): string {
  if (!isMd5Hex(value)) throw new DomainError('BAD_PARAMETER', `${name} must be the 32-character hex MD5 digest of the password`)
  return value.toLowerCase()
}

function parseUserId(value: string | undefined): number | undefined {
  const id = given(value)?.trim()
  if (id === undefined) return undefined
  if (!/^\d{1,10}$/.test(id) || Number(id) > 2 ** 31 - 1) throw new DomainError('BAD_PARAMETER', 'userId must be a user id (a positive 32-bit number)')
  return Number(id)
}

const Mobile = (description: string) => Type.String({ minLength: 1, maxLength: 32, description })
const PROFILE_FIELDS = ['sex', 'age', 'country', 'province', 'city', 'district', 'street', 'company', 'occupation', 'role', 'degrees', 'school', 'signature'] as const

export function userActions(app: FastifyInstance): void {
  const { accounts, profile, security, verification } = app.services
  const publicUrl = app.config.PUBLIC_URL
  const appId = app.config.DEFAULT_APP_ID

  /** POST /user/user!login */
  legacyAction(app, {
    url: '/user/user!login', summary: '用户登录', auth: false,
    params: Type.Object({
      'userVO.userName': Type.String({ minLength: 1, description: '用户名，一般是手机号' }),
      'userVO.password': Md5Password('登录密码，加密后的密码'),
    }),
    response: UserData,
    handler: async (p, { request, reply }) => {
      const client = header(request.headers, 'client') ?? ''
      const { user, issued } = await accounts.login({
        appId,
        name: { by: 'any', loginName: p['userVO.userName'] },
        passwordDigest: requireMd5(p['userVO.password'], 'userVO.password'),
        device: client ? { guid: client, userAgent: request.headers['user-agent'] } : undefined,
      })
      setSessionHeaders(reply, { uid: String(user.id), accessToken: issued.token, client, expire: issued.expiresAt })
      return { info: '登录成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: true }) } }
    },
  })

  /** POST /user/user!readUser */
  legacyAction(app, {
    url: '/user/user!readUser', summary: '读取用户信息', auth: true,
    params: Type.Object({
      userId: Type.Optional(Type.String({ description: '要读取的用户ID；为空表示自己' })),
      'userVO.userId': Type.Optional(Type.String({ description: '同 userId' })),
    }),
    response: UserData,
    handler: async (p, { actor }) => {
      const userId = parseUserId(p.userId) ?? parseUserId(p['userVO.userId']) ?? actor.userId
      const user = await accounts.getUser(actor.appId, userId)
      // Another user's public view leaves out the mobile number.
      return { info: '获取用户信息成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: userId === actor.userId }) } }
    },
  })

  /** POST /user/user!signOut */
  legacyAction(app, {
    url: '/user/user!signOut', summary: '用户注销', auth: true,
    handler: async (_p, { actor }) => {
      await accounts.signOut(actor)
      return { info: '用户注销成功' }
    },
  })

  /** POST /user/user!updateUser */
  legacyAction(app, {
    url: '/user/user!updateUser', summary: '修改用户信息', auth: true,
    params: Type.Object({
      'userVO.userId': Type.Optional(Type.String({ description: '用户ID（只能是自己）' })),
      'userVO.sex': Type.Optional(Type.String({ maxLength: 8, description: '性别 1男 2女' })),
      'userExtendVO.nickName': Type.Optional(DisplayName('昵称', 64)),
      'userExtendVO.phoneNumber': Type.Optional(Type.String({ maxLength: 32, description: '电话号码' })),
      ...Object.fromEntries(PROFILE_FIELDS.filter((f) => f !== 'sex').map((f) => [`userExtendVO.${f}`, Type.Optional(Type.String({ maxLength: 256, description: f }))])),
    }),
    handler: async (p, { actor }) => {
      const fields = p as Record<string, string | undefined>
      const target = parseUserId(p['userVO.userId'])
      if (target !== undefined && target !== actor.userId) throw new DomainError('NO_PERMISSION', 'only your own profile can be changed')
      // Only the fields sent change, kept as sent; an empty one means "not set" (001).
      const changes = Object.fromEntries(PROFILE_FIELDS.flatMap((f) => {
        const value = given(fields[f === 'sex' ? 'userVO.sex' : `userExtendVO.${f}`])
        return value === undefined ? [] : [[f, value]]
      }))
      await profile.updateLegacy(actor.appId, actor.userId, {
        nickName: given(p['userExtendVO.nickName']),
        mobile: given(p['userExtendVO.phoneNumber'])?.trim(),
        profile: changes,
      })
      return { info: '修改用户信息成功' }
    },
  })

  /** POST /user/user!uploadPhoto (multipart, file field userPhoto) */
  legacyAction(app, {
    url: '/user/user!uploadPhoto', summary: '上传用户头像（jpg、jpeg、bmp、png，不大于3M，按内容识别）', auth: true,
    handler: async (_p, { actor, request }) => {
      if (!request.isMultipart()) throw new DomainError('BAD_PARAMETER', 'send the photo as multipart/form-data in the field userPhoto')
      // One byte over the limit lets the store see the overflow and say so.
      for await (const part of request.parts({ limits: { fileSize: AVATAR_MAX_BYTES + 1, files: 1 } })) {
        if (part.type === 'file' && part.fieldname === 'userPhoto') {
          await profile.uploadAvatar(actor.appId, actor.userId, part.file)
          return { info: '上传用户头像成功' }
        }
        if (part.type === 'file') part.file.resume()
      }
      throw new DomainError('BAD_PARAMETER', 'userPhoto is required')
    },
  })

  /** POST /user/user!updatePassword */
  legacyAction(app, {
    url: '/user/user!updatePassword', summary: '修改用户密码（成功后所有登录失效）', auth: true,
    params: Type.Object({
      oldPassword: Md5Password('旧密码'),
      'userVO.password': Md5Password('新密码'),
    }),
    handler: async (p, { actor }) => {
      await security.changePassword(actor.appId, actor.userId, requireMd5(p.oldPassword, 'oldPassword'), requireMd5(p['userVO.password'], 'userVO.password'))
      return { info: '用户密码修改成功' }
    },
  })

  /** POST /user/user!sendValidateCodeByRetreve */
  legacyAction(app, {
    url: '/user/user!sendValidateCodeByRetreve', summary: '获取重置密码验证码', auth: false,
    params: Type.Object({ 'userVO.userMobile': Mobile('用户要重置密码的手机号') }),
    handler: async (p) => {
      await verification.send(appId, mobileOf(p['userVO.userMobile']), 'reset')
      return { info: '重置密码的验证码已发送到指定手机' }
    },
  })

  /** POST /user/user!noLoginUpdatePassword */
  legacyAction(app, {
    url: '/user/user!noLoginUpdatePassword', summary: '重置用户登录密码', auth: false,
    params: Type.Object({
      'userVO.userMobile': Mobile('用户登陆的手机'),
      'userVO.password': Md5Password('新密码'),
      validateCode: Type.String({ minLength: 1, maxLength: 16, description: '重置密码的验证码' }),
    }),
    handler: async (p) => {
      await security.resetPassword(appId, mobileOf(p['userVO.userMobile']), p.validateCode, requireMd5(p['userVO.password'], 'userVO.password'))
      return { info: '重置密码成功' }
    },
  })

  /** POST /user/user!sendRegisterCode */
  legacyAction(app, {
    url: '/user/user!sendRegisterCode', summary: '获取注册验证码', auth: false,
    params: Type.Object({ 'userVO.userMobile': Mobile('要注册的手机号') }),
    handler: async (p) => {
      await verification.send(appId, mobileOf(p['userVO.userMobile']), 'register')
      return { info: '验证码已发送到手机' }
    },
  })

  /** POST /user/user!register */
  legacyAction(app, {
    url: '/user/user!register', summary: '用户注册', auth: false,
    params: Type.Object({
      'userVO.userMobile': Mobile('手机号'),
      'userVO.password': Md5Password('用户密码(加密后的密码)'),
      telSecurityCode: Type.String({ minLength: 1, maxLength: 16, description: '注册验证码' }),
    }),
    handler: async (p) => {
      const mobile = mobileOf(p['userVO.userMobile'])
      const passwordDigest = requireMd5(p['userVO.password'], 'userVO.password')
      const codeId = await verification.check(appId, mobile, 'register', p.telSecurityCode)
      await accounts.register({ appId, mobile, passwordDigest, codeId })
      return { info: '用户注册成功' }
    },
  })
}

/** The documents print mobiles with stray spaces; the number is what counts. */
function mobileOf(value: string): string {
  return value.trim()
}
