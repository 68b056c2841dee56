// IM facade authentication: `Authorization: Token <token>` (DRF) or `Bearer <token>`, one token store with the rest.
import type { FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { isTokenFormat } from '../../platform/tokens.ts'
import { header } from '../request-context.ts'

/**
 * A preParsing hook: after the rate limiter, before the body is read; hands the payload on.
 * Header problems are worded as Django REST Framework's TokenAuthentication words them.
 */
export async function authenticateFacade<P>(request: FastifyRequest, _reply: unknown, payload: P): Promise<P> {
  const parts = (header(request.headers, 'authorization') ?? '').trim().split(/\s+/)
  // Another scheme (or none) is not ours: DRF treats the request as unauthenticated.
  if (!/^(token|bearer)$/i.test(parts[0] ?? '')) throw new DomainError('TOKEN_MISSING')
  if (parts.length === 1) throw new DomainError('TOKEN_FORMAT', 'Invalid token header. No credentials provided.')
  if (parts.length > 2) throw new DomainError('TOKEN_FORMAT', 'Invalid token header. Token string should not contain spaces.')
  if (!isTokenFormat(parts[1]!)) throw new DomainError('TOKEN_INVALID')
  const actor = await request.server.services.accounts.authenticate(parts[1]!)
  if (actor.userId === null || actor.appId !== request.server.config.DEFAULT_APP_ID) throw new DomainError('TOKEN_INVALID')
  request.actor = actor
  request.appId = actor.appId
  return payload
}
