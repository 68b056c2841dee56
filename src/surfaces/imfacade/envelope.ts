// The IM facade envelope: `{detail}` with Django REST Framework statuses (semantics §1).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { DomainError, ErrorKey } from '../../domain/errors.ts'
import { setRetryAfter, toDomainError } from '../errors.ts'

const STATUS: Partial<Record<ErrorKey, number>> = {
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_FORMAT: 401,
  USER_DISABLED: 401,
  NO_PERMISSION: 403,
  NOT_GROUP_MEMBER: 403,
  NEED_MEMBER: 403,
  NEED_ADMIN: 403,
  NEED_OWNER: 403,
  OWNER_CANNOT_LEAVE: 403,
  IN_BLACKLIST: 403,
  IN_GROUP_BLACKLIST: 403,
  ADMIN_CANNOT_LEAVE: 403,
  USER_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  BAD_FILE_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SMS_UNAVAILABLE: 503,
}

/** DRF's own words where DRF has them, so facade clients see what they always saw (auth.ts words header errors). */
const DETAIL: Partial<Record<ErrorKey, string>> = {
  TOKEN_MISSING: 'Authentication credentials were not provided.',
  TOKEN_INVALID: 'Invalid token.',
  ROUTE_NOT_FOUND: 'Not found.',
  INTERNAL: 'A server error occurred.',
}

export function facadeStatus(error: DomainError): number {
  return STATUS[error.key] ?? 400
}

export function sendFacadeError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  if (internal) request.log.error({ err: error }, 'request failed')
  setRetryAfter(reply, domainError)
  const status = facadeStatus(domainError)
  if (status === 401) reply.header('www-authenticate', 'Token')
  return reply.status(status).serializer(JSON.stringify)
    .send({ detail: DETAIL[domainError.key] ?? domainError.message })
}
