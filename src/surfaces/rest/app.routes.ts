// /app/* paths of MaxIM's web SDK for binding a mobile: send the code (captcha) to the new number, then bind with it.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { restOperation } from './route.ts'

export const Mobile = Type.String({ minLength: 1, maxLength: 32, description: '手机号码' })

export function appRoutes(app: FastifyInstance): void {
  const { profile, verification } = app.services

  /** GET /app/captcha/sms: a bind code to a number no other user has (1 per minute and 10 per day per number, 10 per day per user). */
  restOperation(app, {
    method: 'GET',
    url: '/app/captcha/sms',
    summary: '发送绑定手机号的短信验证码',
    auth: 'user',
    params: Type.Object({ mobile: Mobile }),
    data: Type.Boolean({ description: '已发送' }),
    handler: async (p, { appId, userId }) => {
      await verification.send(appId, p.mobile, 'bind', userId)
      return true
    },
  })

  /** POST /app/user/mobile_bind: /user/mobile with the code as `captcha`, as the SDK names it. */
  restOperation(app, {
    method: 'POST',
    url: '/app/user/mobile_bind',
    summary: '绑定手机号（验证码）',
    auth: 'user',
    params: Type.Object({ mobile: Mobile, captcha: Type.String({ minLength: 1, maxLength: 16, description: '发送到该号码的验证码' }) }),
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor, userId }) => {
      await profile.setMobile({ ...actor, userId }, p.mobile, p.captcha)
      return true
    },
  })
}
