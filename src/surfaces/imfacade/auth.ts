// IM facade authentication: `Authorization: Token <token>` (DRF) or `Bearer <token>`, one token store with the rest.
import type { FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../request-context.ts'

/** A preParsing hook: after the rate limiter, before the body is read; hands the payload on. */
export async function authenticateFacade<P>(request: FastifyRequest, _reply: unknown, payload: P): Promise<P> {
  const authorization = header(request.headers, 'authorization')
  if (!authorization) throw new DomainError('TOKEN_MISSING')
  const match = authorization.match(/^(?:Token|Bearer)\s+(\S+)\s*$/i)
  if (!match?.[1]) throw new DomainError('TOKEN_FORMAT')
  const actor = await request.server.services.accounts.authenticate(match[1])
  if (actor.userId === null || actor.appId !== request.server.config.DEFAULT_APP_ID) throw new DomainError('TOKEN_INVALID')
  request.actor = actor
  request.appId = actor.appId
  return payload
}
