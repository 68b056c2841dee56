// /user/* registration and profile (002 §3): register, profile, nickname, avatar, mobile, username, public/private info.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { md5Hex } from '../../platform/passwords.ts'
import { restOperation } from './route.ts'
import { DisplayName } from '../shared/wire.ts'
import {
  BatchResultData,
  Password,
  ProfileFields,
  profileChanges,
  renderProfile,
  renderSettings,
  UserIdParam,
  UsernameParam,
  UserProfileData,
  UserSettingsData,
} from './user.schemas.ts'

const Ok = Type.Boolean({ description: '结果数据' })

export function userRoutes(app: FastifyInstance): void {
  const { accounts, profile, verification, mobileFlows } = app.services
  const publicUrl = app.config.PUBLIC_URL

  /** POST /user/register */
  restOperation(app, {
    method: 'POST',
    url: '/user/register',
    summary: '注册用户',
    auth: 'public',
    params: Type.Object({
      username: Type.Optional(UsernameParam),
      mobile: Type.Optional(Type.String({ maxLength: 32, description: '手机号码' })),
      email: Type.Optional(Type.String({ maxLength: 320, description: 'email' })),
      password: Password,
      verification_code: Type.Optional(Type.String({ maxLength: 16, description: '验证码，结合手机或邮箱使用' })),
    }),
    data: UserSettingsData,
    handler: async (p, { appId }) => {
      // A mobile or email is proven by a code sent to it (user!sendRegisterCode sends mobile codes).
      const target = p.mobile || p.email
      let codeId: number | undefined
      if (target) {
        if (!p.verification_code) throw new DomainError('BAD_PARAMETER', 'verification_code is required with mobile or email')
        codeId = await verification.check(appId, target, 'register', p.verification_code)
      }
      const { settings } = await accounts.register({
        appId,
        username: p.username || undefined,
        mobile: p.mobile || undefined,
        email: p.email || undefined,
        passwordDigest: md5Hex(p.password),
        codeId,
      })
      return renderSettings(settings)
    },
  })

  /** POST /user/register/v2 */
  restOperation(app, {
    method: 'POST',
    url: '/user/register/v2',
    summary: '注册用户',
    auth: 'public',
    params: Type.Object({ username: UsernameParam, password: Password }),
    data: UserSettingsData,
    handler: async (p, { appId, request }) => {
      const { settings } = await accounts.register({ appId, username: p.username, passwordDigest: md5Hex(p.password) })
      // MaxIM's register-and-bind sends the mobile's sign next, before logging in: it may name this account by the client.
      await mobileFlows.noteRegistration(appId, settings.userId, { address: request.ip, userAgent: request.headers['user-agent'] ?? '' })
      return renderSettings(settings)
    },
  })

  /** POST /user/register/batch */
  restOperation(app, {
    method: 'POST',
    url: '/user/register/batch',
    summary: '批量注册用户',
    auth: 'admin',
    params: Type.Object({
      list: Type.Array(Type.Object({ username: UsernameParam, password: Password }), { minItems: 1, maxItems: 100, description: '要注册的用户' }),
    }),
    data: Type.Array(
      Type.Object({
        username: Type.String({ description: '用户名' }),
        user_id: Type.Integer({ description: '用户ID（失败时为0）' }),
        success: Type.Boolean({ description: '是否成功' }),
        reason: Type.String({ description: '失败原因' }),
      }),
    ),
    handler: async (p, { actor }) =>
      accounts.registerMany(
        actor,
        p.list.map((u) => ({ username: u.username, passwordDigest: md5Hex(u.password) })),
      ),
  })

  /** POST /user/register/push */
  restOperation(app, {
    method: 'POST',
    url: '/user/register/push',
    summary: '注册推送用户',
    auth: 'public',
    params: Type.Object({
      username: UsernameParam,
      password: Password,
      device_guid: Type.String({ minLength: 1, maxLength: 128, description: '设备ID' }),
      push_token: Type.Optional(Type.String({ maxLength: 512, description: '推送token；为空则由服务器生成' })),
      alias: Type.Optional(Type.String({ maxLength: 128, description: '别名' })),
      sign: Type.Optional(Type.String({ maxLength: 512, description: '签名（本服务不校验：注册本身是公开操作）' })),
    }),
    data: UserSettingsData,
    handler: async (p, { appId, request }) => {
      const { settings } = await accounts.registerPush({
        appId,
        username: p.username,
        passwordDigest: md5Hex(p.password),
        device: { guid: p.device_guid, userAgent: request.headers['user-agent'] },
        pushToken: p.push_token,
        alias: p.alias,
      })
      return renderSettings(settings)
    },
  })

  /** GET /user/profile */
  restOperation(app, {
    method: 'GET',
    url: '/user/profile',
    summary: '获取用户信息',
    auth: 'user',
    data: UserProfileData,
    handler: async (_p, { appId, userId }) => renderProfile(await accounts.getUser(appId, userId), publicUrl, true),
  })

  /** POST|PUT /user/profile */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/profile',
    summary: '更新用户信息',
    auth: 'user',
    params: Type.Object(ProfileFields),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await profile.update(appId, userId, profileChanges(p))
      return true
    },
  })

  /** POST|PUT /user/profile/batch */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/profile/batch',
    summary: '批量更新用户信息',
    auth: 'admin',
    params: Type.Object({ list: Type.Array(Type.Object({ user_id: UserIdParam, ...ProfileFields }), { minItems: 1, maxItems: 100 }) }),
    data: BatchResultData,
    handler: async (p, { actor }) =>
      profile.updateMany(
        actor,
        p.list.map((l) => ({ userId: l.user_id, ...profileChanges(l) })),
      ),
  })

  /** POST|PUT /user/nickname */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/nickname',
    summary: '设置昵称',
    auth: 'user',
    in: 'query',
    params: Type.Object({ nick_name: DisplayName('nick_name', 64) }),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await profile.update(appId, userId, { nickName: p.nick_name })
      return true
    },
  })

  /** POST|PUT /user/avatar */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/avatar',
    summary: '设置头像',
    auth: 'user',
    params: Type.Object({ avatar: Type.String({ maxLength: 1024, description: '头像 url' }) }),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await profile.update(appId, userId, { avatar: p.avatar })
      return true
    },
  })

  /** POST|PUT /user/avatar/batch */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/avatar/batch',
    summary: '批量设置头像',
    auth: 'admin',
    params: Type.Object({
      list: Type.Array(Type.Object({ user_id: UserIdParam, avatar: Type.String({ maxLength: 1024, description: '头像 url' }) }), {
        minItems: 1,
        maxItems: 100,
      }),
    }),
    data: BatchResultData,
    handler: async (p, { actor }) =>
      profile.updateMany(
        actor,
        p.list.map((l) => ({ userId: l.user_id, avatar: l.avatar })),
      ),
  })

  /** POST|PUT /user/mobile */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/mobile',
    summary: '设置手机号码',
    auth: 'user',
    in: 'query',
    params: Type.Object({
      mobile: Type.String({ maxLength: 32, description: 'mobile' }),
      code: Type.Optional(
        Type.String({
          maxLength: 16,
          description:
            '发送到新号码的验证码（GET /app/captcha/sms 或 /app/captcha/sms_web）；用户不带验证码时号码记为未验证（仅本人可见，不能登录）；管理员 token 直接设置',
        }),
      ),
    }),
    data: Ok,
    handler: async (p, { actor, userId }) => {
      await profile.setMobile({ ...actor, userId }, p.mobile, p.code)
      return true
    },
  })

  /** POST|PUT /user/username */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/username',
    summary: '修改用户名',
    auth: 'user',
    in: 'query',
    params: Type.Object({ username: UsernameParam }),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await profile.setUsername(appId, userId, p.username)
      return true
    },
  })

  for (const [url, field, summary] of [
    ['/user/public', 'public_info', '设置公开扩展信息'],
    ['/user/private', 'private_info', '设置私有扩展信息'],
  ] as const) {
    /** POST|PUT /user/public, /user/private: the text as the body (plain text or a JSON string), or as `value` or the field name. */
    restOperation(app, {
      method: ['POST', 'PUT'],
      url,
      summary,
      auth: 'user',
      params: Type.Object({
        value: Type.Optional(Type.String({ maxLength: 4096, description: `${field}：请求体为纯文本或 JSON 字符串时即为此值` })),
        [field]: Type.Optional(Type.String({ maxLength: 4096, description: field })),
      }),
      data: Ok,
      handler: async (p, { appId, userId }) => {
        const value = p[field] ?? p.value
        if (value === undefined) throw new DomainError('BAD_PARAMETER', `send the text as the body, or as value or ${field}`)
        await profile.update(appId, userId, field === 'public_info' ? { publicInfo: value } : { privateInfo: value })
        return true
      },
    })
  }

  /** GET /user/online_status: true while the user holds a live WebSocket on any process. */
  restOperation(app, {
    method: 'GET',
    url: '/user/online_status',
    summary: '查询用户在线状态',
    auth: 'user',
    data: Type.Object({ online: Type.Boolean({ description: '是否在线： true - 在线 ，false - 离线' }) }, { description: '用户在线信息' }),
    handler: async (_p, { userId }) => ({ online: await app.services.presence.isOnline(userId) }),
  })
}
