// Turns anything thrown inside a request into a DomainError, so every surface renders one kind of error; what every surface does with it before rendering.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, isDomainError } from '../../domain/errors.ts'
import { dependencyName, isDependencyUnavailable } from '../../platform/outage.ts'
import { describeValidationZh } from './validation-zh.ts'
import { DISPLAY_NAME_FORMAT } from './wire.ts'

/** What a client is told to wait before retrying a request refused during an outage. */
const OUTAGE_RETRY_AFTER_SECONDS = 2

/**
 * The content type of every error answer, set explicitly: a reply with its own serializer, sent from a hook
 * (authentication, the rate limiter), otherwise goes out without one, and iOS clients refuse such a body.
 */
export const JSON_UTF8 = 'application/json; charset=utf-8'

/** `{code, message, data: null}`: the error body of REST's envelope, and of a refused WebSocket handshake. */
export function codedErrorBody(error: DomainError) {
  return { code: error.code, message: error.message, data: null }
}

/** `internal` is true for faults the client did not cause: they are logged and answered as 500. */
export function toDomainError(error: unknown): { error: DomainError; internal: boolean } {
  if (isDomainError(error)) return { error, internal: error.key === 'INTERNAL' }
  if (isDependencyUnavailable(error)) {
    return {
      error: new DomainError('SERVICE_UNAVAILABLE', `${dependencyName(error.dependency)} is unavailable for a moment; retry shortly`, {
        retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
      }),
      internal: false,
    }
  }
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.validation) {
    const zh = describeValidationZh(fastifyError)
    return { error: new DomainError('BAD_PARAMETER', `invalid parameter: ${describeValidation(fastifyError)}`, { zh }), internal: false }
  }
  const status = fastifyError.statusCode ?? 500
  if (status === 413) return { error: new DomainError('PAYLOAD_TOO_LARGE', fastifyError.message), internal: false }
  if (status === 429) return { error: new DomainError('RATE_LIMITED', fastifyError.message), internal: false }
  // Unreadable bodies (bad JSON, an unknown content type, a broken multipart stream).
  if (status >= 400 && status < 500)
    return { error: new DomainError('BAD_PARAMETER', fastifyError.message ?? 'bad request', { zh: '请求内容无法解析' }), internal: false }
  return { error: new DomainError('INTERNAL'), internal: true }
}

/**
 * What every surface does before it renders an error: log a fault (and an outage, once, as a warning:
 * neither the client's fault nor a bug), and tell a refused client when to retry in the standard header.
 */
export function noteError(domainError: DomainError, cause: unknown, internal: boolean, request: FastifyRequest, reply: FastifyReply): void {
  if (internal) request.log.error({ err: cause }, 'request failed')
  else if (domainError.key === 'SERVICE_UNAVAILABLE') request.log.warn({ err: cause }, 'request refused: a dependency is unavailable')
  if (domainError.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(domainError.retryAfterSeconds))))
}

function describeValidation(error: Partial<FastifyError>): string {
  const first = error.validation?.[0]
  if (!first) return error.message ?? 'bad parameter'
  const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.')
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty
  if (missing) return `${missing} is required`
  if (first.keyword === 'format' && (first.params as { format?: string } | undefined)?.format === DISPLAY_NAME_FORMAT) {
    return `${field} must not contain line breaks, control, invisible or text-direction characters`
  }
  return field ? `${field} ${first.message ?? 'is invalid'}` : (first.message ?? 'bad parameter')
}
