// /user/*: registration and profile (002 §3).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { md5Hex } from '../../platform/passwords.ts'
import { restOperation } from './route.ts'
import { renderProfile, renderSettings, UserProfileData, UserSettingsData } from './user.schemas.ts'

const RegisterV2Params = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, description: '用户名：字母、数字、下划线，不能全为数字' }),
  password: Type.String({ minLength: 6, maxLength: 256, description: '密码（明文，至少6位）' }),
})

export function userRoutes(app: FastifyInstance): void {
  /** POST /user/register/v2 */
  restOperation(app, {
    method: 'POST', url: '/user/register/v2', summary: '注册用户', auth: 'public',
    params: RegisterV2Params, data: UserSettingsData,
    handler: async (p, { appId, request }) => {
      const { settings } = await request.server.services.accounts.register({
        appId, username: p.username, passwordDigest: md5Hex(p.password),
      })
      return renderSettings(settings)
    },
  })

  /** GET /user/profile */
  restOperation(app, {
    method: 'GET', url: '/user/profile', summary: '获取用户信息', auth: 'user',
    data: UserProfileData,
    handler: async (_p, { appId, userId, request }) => {
      const user = await request.server.services.accounts.getUser(appId, userId)
      return renderProfile(user, request.server.config.PUBLIC_URL, true)
    },
  })
}
