// Legacy authentication (semantics §2): uid + accessToken headers, echoed back with client and expire.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../request-context.ts'

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
  setSessionHeaders(reply, { uid, accessToken: token, client: header(request.headers, 'client') ?? '', expire: actor.expiresAt ?? 0 })
}

export function setSessionHeaders(reply: FastifyReply, session: { uid: string; accessToken: string; client: string; expire: number }): void {
  reply.header('uid', session.uid)
  reply.header('accessToken', session.accessToken)
  reply.header('client', session.client)
  reply.header('expire', String(session.expire))
}
