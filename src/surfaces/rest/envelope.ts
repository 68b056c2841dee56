// The REST envelope {code, message, data}: HTTP 200 for every business outcome (semantics §1).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'
import type { DomainError } from '../../domain/errors.ts'
import { codedErrorBody, JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'

export interface Ok<T> { code: 200; message: null; data: T }

export function ok<T>(data: T): Ok<T> {
  return { code: 200, message: null, data }
}

/** Response schema of a successful call: also how the OpenAPI document shows it. */
export function Envelope<T extends TSchema>(data: T, extra: Record<string, TSchema> = {}) {
  return Type.Object({
    code: Type.Integer({ description: '返回码，200是成功' }),
    message: Type.Null({ description: '错误信息，如果成功，该项为null' }),
    data,
    ...extra,
  })
}

/** Everything else is a business outcome: HTTP 200 (semantics §1). */
export const HTTP_STATUS: Partial<Record<DomainError['key'], number>> = {
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  SMS_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
}

export function sendRestError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  noteError(domainError, error, internal, request, reply)
  // Error bodies bypass the route's success schema.
  return reply.status(HTTP_STATUS[domainError.key] ?? 200).type(JSON_UTF8).serializer(JSON.stringify).send(codedErrorBody(domainError))
}
