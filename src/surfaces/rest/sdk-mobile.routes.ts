// MaxIM SDK mobile calls: picture captcha, SMS code after it, login by code, register-and-bind by sign, setting and changing the bound number.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { md5Hex } from '../../platform/passwords.ts'
import type { Client } from '../../domain/accounts/mobile-flows.service.ts'
import { DomainError } from '../../domain/errors.ts'
import { restOperation } from './route.ts'
import { bearerToken } from './auth.ts'
import { Password } from './user.schemas.ts'
import { Mobile } from './app.routes.ts'

const Code = (description: string) => Type.String({ minLength: 1, maxLength: 16, description })
const Sign = (description: string) => Type.String({ minLength: 1, maxLength: 128, description })
const ImageId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '图片验证码id：POST /app/captcha/image 的 data' })

const client = (request: FastifyRequest): Client => ({ address: request.ip, userAgent: request.headers['user-agent'] ?? '' })

export function sdkMobileRoutes(app: FastifyInstance): void {
  const { accounts, apps, mobileFlows, profile } = app.services

  /** POST /app/captcha/image: a new picture captcha; data is its id. */
  restOperation(app, {
    method: 'POST',
    url: '/app/captcha/image',
    summary: '新建图片验证码（MaxIM SDK）：data 为图片id，图片见 GET /app/captcha/image',
    auth: 'public',
    data: Type.String({ description: '图片验证码id' }),
    handler: async (_p, { appId, request }) => mobileFlows.newCaptcha(appId, client(request)),
  })

  /** GET /app/captcha/image?image_id=&app_id=: the picture itself (SVG) for an <img>, which sends no headers. */
  app.route({
    method: 'GET',
    url: '/app/captcha/image',
    schema: {
      summary: '图片验证码的图片（SVG，供 <img> 使用）',
      tags: ['app'],
      querystring: Type.Object({ image_id: ImageId, app_id: Type.Optional(Type.String({ maxLength: 64, description: '应用id（<img> 不能带请求头）' })) }),
    },
    handler: async (request, reply) => {
      const query = request.query as { image_id: string; app_id?: string }
      const appId = await apps.resolveApp(query.app_id ?? (request.headers.app_id as string | undefined))
      const svg = await mobileFlows.captchaPicture(appId, query.image_id)
      return reply.type('image/svg+xml').header('cache-control', 'no-store').send(svg)
    },
  })

  /** GET /app/captcha/sms_web: after the picture's text, an SMS code to the number (11014 for a wrong picture code). */
  restOperation(app, {
    method: 'GET',
    url: '/app/captcha/sms_web',
    summary: '校验图片验证码后发送短信验证码（MaxIM SDK）',
    auth: 'public',
    params: Type.Object({
      captcha: Type.String({ minLength: 1, maxLength: 16, description: '图片上的字符' }),
      image_id: ImageId,
      mobile: Mobile,
    }),
    data: Type.Boolean({ description: '已发送' }),
    handler: async (p, { appId, request }) => {
      await mobileFlows.sendCode(appId, { mobile: p.mobile, imageId: p.image_id, captcha: p.captcha, client: client(request) })
      return true
    },
  })

  /** GET /app/user/info_pwd: login by SMS code. A one-time password for /token/user, or a sign when the number has no account. */
  restOperation(app, {
    method: 'GET',
    url: '/app/user/info_pwd',
    summary: '短信验证码登录（MaxIM SDK）：有账号时给出一次性登录密码（5 分钟内用一次），否则给出 sign 用于注册并绑定',
    auth: 'public',
    params: Type.Object({ captcha: Code('发送到该号码的短信验证码（GET /app/captcha/sms_web）'), mobile: Mobile }),
    data: Type.Object({
      username: Type.Union([Type.String(), Type.Null()], { description: '用于 POST /token/user 的 name（无用户名的账号为手机号）；无账号时为 null' }),
      password: Type.Union([Type.String(), Type.Null()], { description: '一次性登录密码：5 分钟内以 POST /token/user 用一次；无账号时为 null' }),
      sign: Type.Union([Type.String(), Type.Null()], { description: '号码已验证但无账号：注册后以 POST /app/user/mobile_bind_with_sign 绑定（5 分钟，一次）' }),
    }),
    handler: async (p, { appId }) => mobileFlows.loginByCode(appId, p.mobile, p.captcha),
  })

  /** POST /app/user/mobile_bind_with_sign: binds the number an info_pwd sign proved, to the caller or to the account this client has just registered. */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_bind_with_sign',
    summary: '以 sign 绑定已验证的手机号（MaxIM SDK）：带 token 时绑定到本人，否则绑定到本客户端刚注册的账号',
    auth: 'public',
    params: Type.Object({ mobile: Mobile, sign: Sign('GET /app/user/info_pwd 返回的 sign') }),
    data: Type.Boolean({ description: '已绑定' }),
    handler: async (p, { appId, request }) => {
      // In the SDK's no-token list: a token, when one comes (uniapp sends an empty one), names the account.
      const token = bearerToken(request.headers)
      const actor = token ? await accounts.authenticate(token) : null
      if (actor && (actor.appId !== appId || actor.userId === null)) throw new DomainError('NO_PERMISSION', 'the access-token is not a user token of this app')
      await mobileFlows.bindWithSign(appId, { mobile: p.mobile, sign: p.sign, userId: actor?.userId ?? null, client: client(request) })
      return true
    },
  })

  /** POST /app/user/mobile_update: sets the number without a code (unverified until a code proves it). */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_update',
    summary: '设置手机号（MaxIM SDK，无验证码）：号码记为未验证，仅本人可见，验证前不能登录、不能被搜到',
    auth: 'user',
    params: Type.Object({ mobile: Mobile }),
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor, userId }) => {
      await profile.setMobile({ ...actor, userId, isAdmin: false }, p.mobile, undefined)
      return true
    },
  })

  /** POST /app/user/mobile_prechange_by_password: step 1 of changing the bound number, by password (11001 when wrong). */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_prechange_by_password',
    summary: '更换手机号第一步：验证密码（MaxIM SDK），返回 sign',
    auth: 'user',
    params: Type.Object({ password: Password }),
    data: Type.Object({ sign: Type.String({ description: '第二步 POST /app/user/mobile_change 的 sign（5 分钟，一次）' }) }),
    handler: async (p, { actor, userId }) => ({ sign: await mobileFlows.prechangeByPassword({ ...actor, userId }, md5Hex(p.password)) }),
  })

  /** POST /app/user/mobile_prechange_by_mobile: step 1 by a code sent to the current number. */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_prechange_by_mobile',
    summary: '更换手机号第一步：验证当前号码的短信验证码（MaxIM SDK），返回 sign',
    auth: 'user',
    params: Type.Object({ captcha: Code('发送到当前号码的短信验证码'), mobile: Mobile }),
    data: Type.Object({ sign: Type.String({ description: '第二步 POST /app/user/mobile_change 的 sign（5 分钟，一次）' }) }),
    handler: async (p, { actor, userId }) => ({ sign: await mobileFlows.prechangeByMobile({ ...actor, userId }, p.mobile, p.captcha) }),
  })

  /** POST /app/user/mobile_change: step 2, the new number with its code and the step-1 sign. */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_change',
    summary: '更换手机号第二步：新号码及其短信验证码、第一步的 sign（MaxIM SDK）',
    auth: 'user',
    params: Type.Object({ captcha: Code('发送到新号码的短信验证码'), mobile: Mobile, sign: Sign('第一步返回的 sign') }),
    data: Type.Boolean({ description: '已更换' }),
    handler: async (p, { actor, userId }) => {
      await mobileFlows.change({ ...actor, userId }, { mobile: p.mobile, code: p.captcha, sign: p.sign })
      return true
    },
  })
}
