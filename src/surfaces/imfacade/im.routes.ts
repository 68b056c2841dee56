// /api/im/* of 003; routes answer with and without the trailing slash (the router ignores it).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { presentedToken } from './auth.ts'
import { facadeOperation } from './route.ts'

/** URLs of the facade, for the not-found handler. */
export const FACADE_URL = /^\/api\/im(\/|$|\?)/

export function imRoutes(app: FastifyInstance): void {
  /** GET /api/im/token/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/token/',
    auth: 'user',
    summary: '获取令牌：实时连接（/ws）使用的 token；属于调用者的登录会话，随会话失效，重复获取得到同一个',
    response: Type.Object({ key: Type.String({ description: '令牌' }) }),
    handler: async ({ request, user }) => ({ key: await app.services.accounts.sessionKey(user(), presentedToken(request)) }),
  })
}
