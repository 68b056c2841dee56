// REST authentication (semantics §2): access-token or Bearer, app_id, and admin impersonation by user_id/group_id.
import type { FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../shared/request-context.ts'

/** public: no token; user: acts as a user; admin: the app admin token; any: a user or the admin. */
export type RestAuth = 'public' | 'user' | 'admin' | 'any'

export function bearerToken(headers: FastifyRequest['headers']): string | undefined {
  const token = header(headers, 'access-token')
  if (token) return token.trim()
  const authorization = header(headers, 'authorization')
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i)
  return match?.[1]
}

function idHeader(request: FastifyRequest, name: string): number | undefined {
  const value = header(request.headers, name)
  if (value === undefined) return undefined
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw new DomainError('BAD_PARAMETER', `header ${name} must be a positive integer`)
  }
  return Number(value)
}

export async function authenticateRest(request: FastifyRequest, mode: RestAuth): Promise<void> {
  const { apps, accounts } = request.server.services
  const appHeader = header(request.headers, 'app_id')
  if (mode === 'public') {
    request.appId = await apps.resolveApp(appHeader)
    return
  }
  // An app id that does not exist is a misconfigured client whatever token it carries: 40000, not 402 (which starts the SDK's re-login).
  if (appHeader !== undefined) await apps.resolveApp(appHeader)
  const token = bearerToken(request.headers)
  if (!token) throw new DomainError('TOKEN_MISSING')
  let actor = await accounts.authenticate(token)
  if (appHeader !== undefined && appHeader !== actor.appId) {
    throw new DomainError('TOKEN_INVALID', `the access-token does not belong to app ${JSON.stringify(appHeader)}`)
  }
  if (actor.isAdmin) {
    actor = await accounts.impersonate(actor, idHeader(request, 'user_id'), idHeader(request, 'group_id'))
  }
  if (mode === 'admin' && !actor.isAdmin) throw new DomainError('NO_PERMISSION', 'this operation needs the app admin token')
  if (mode === 'user' && actor.userId === null) {
    throw new DomainError('BAD_PARAMETER', 'with an admin token, name the user to act as in the user_id header')
  }
  request.actor = actor
  request.appId = actor.appId
}
