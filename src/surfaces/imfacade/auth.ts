// IM facade authentication: `Authorization: Token <token>` (DRF) or `Bearer <token>`, one token store with the rest.
import type { FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { isTokenFormat } from '../../platform/tokens.ts'
import { header } from '../shared/request-context.ts'

/**
 * A preParsing hook: after the rate limiter, before the body is read; hands the payload on.
 * Header problems are worded as Django REST Framework's TokenAuthentication words them, in its zh_Hans locale.
 */
export async function authenticateFacade<P>(request: FastifyRequest, _reply: unknown, payload: P): Promise<P> {
  const parts = authorizationParts(request)
  // Another scheme (or none) is not ours: DRF treats the request as unauthenticated.
  if (!/^(token|bearer)$/i.test(parts[0] ?? '')) throw new DomainError('TOKEN_MISSING')
  if (parts.length === 1)
    throw new DomainError('TOKEN_FORMAT', 'Invalid token header. No credentials provided.', { zh: '没有提供认证信息（认证令牌HTTP头无效）。' })
  if (parts.length > 2) {
    throw new DomainError('TOKEN_FORMAT', 'Invalid token header. Token string should not contain spaces.', {
      zh: '认证令牌字符串不应该包含空格（无效的认证令牌HTTP头）。',
    })
  }
  if (!isTokenFormat(parts[1]!)) throw new DomainError('TOKEN_INVALID')
  const actor = await request.server.services.accounts.authenticate(parts[1]!)
  if (actor.userId === null || actor.appId !== request.server.config.DEFAULT_APP_ID) throw new DomainError('TOKEN_INVALID')
  request.actor = actor
  request.appId = actor.appId
  return payload
}

function authorizationParts(request: FastifyRequest): string[] {
  return (header(request.headers, 'authorization') ?? '').trim().split(/\s+/)
}

/** The token of an authenticated facade request, as the client sent it. */
export function presentedToken(request: FastifyRequest): string {
  return authorizationParts(request)[1]!
}
