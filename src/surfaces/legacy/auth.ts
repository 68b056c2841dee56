// Legacy authentication (semantics §2): uid + accessToken headers, echoed back with client and expire, spelled as the documents print them.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../shared/request-context.ts'

export async function authenticateLegacy(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const uid = header(request.headers, 'uid')
  const token = header(request.headers, 'accesstoken')
  if (!uid || !token) throw new DomainError('TOKEN_MISSING', 'uid and accessToken headers are required')
  const actor = await request.server.services.accounts.authenticate(token)
  // The token must be this uid's own user token, in the app every legacy request acts in.
  if (actor.isAdmin || String(actor.userId) !== uid || actor.appId !== request.server.config.DEFAULT_APP_ID) {
    throw new DomainError('TOKEN_INVALID', 'accessToken does not belong to uid')
  }
  request.actor = actor
  request.appId = actor.appId
  setSessionHeaders(reply, { uid, accessToken: token, client: header(request.headers, 'client'), expire: actor.expiresAt ?? 0 })
}

const SESSION_HEADERS = ['uid', 'accessToken', 'client', 'expire'] as const

/**
 * The session headers of a legacy answer, named exactly `uid`, `accessToken`, `client`, `expire`: old apps look
 * them up in a case-sensitive dictionary. Fastify's reply.header() lowercases names; Node's setHeader keeps them.
 * `client` goes back only when the request had one.
 */
export function setSessionHeaders(reply: FastifyReply, session: { uid: string; accessToken: string; client?: string; expire: number }): void {
  reply.raw.setHeader('uid', session.uid)
  reply.raw.setHeader('accessToken', session.accessToken)
  if (session.client) reply.raw.setHeader('client', session.client)
  else reply.raw.removeHeader('client')
  reply.raw.setHeader('expire', String(session.expire))
}

/** A session that just ended (signOut) is not sent back. */
export function clearSessionHeaders(reply: FastifyReply): void {
  for (const name of SESSION_HEADERS) reply.raw.removeHeader(name)
}
