// The legacy envelope {success, info, …}: HTTP 200 for every outcome, with a Chinese info and a stable code on failure.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TProperties } from 'typebox'
import type { DomainError } from '../../domain/errors.ts'
import { JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'
import { zhReason } from '../shared/zh.ts'

export function legacyErrorBody(error: DomainError) {
  return { success: false as const, info: zhReason(error), code: error.code }
}

export function sendLegacyError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  noteError(domainError, error, internal, request, reply)
  // An outage is 503 (the app's "network error, retry"), like a fault is 500; every business outcome is 200.
  const status = internal ? 500 : domainError.key === 'SERVICE_UNAVAILABLE' ? 503 : 200
  return reply.status(status).type(JSON_UTF8).serializer(JSON.stringify).send(legacyErrorBody(domainError))
}

/** Response schema of a successful action: `success`, `info`, then the action's own fields in order. */
export function LegacyOk(fields: TProperties = {}) {
  return Type.Object({
    success: Type.Boolean({ description: '是否成功，true为成功，false为失败。如果为false,“info”表示失败原因。' }),
    info: Type.String({ description: '提示信息' }),
    ...fields,
  })
}
