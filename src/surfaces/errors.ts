// Turns anything thrown inside a request into a DomainError, so every surface renders one kind of error.
import type { FastifyError } from 'fastify'
import { DomainError, isDomainError } from '../domain/errors.ts'
import { DISPLAY_NAME_FORMAT } from './wire.ts'

/** `internal` is true for faults the client did not cause: they are logged and answered as 500. */
export function toDomainError(error: unknown): { error: DomainError; internal: boolean } {
  if (isDomainError(error)) return { error, internal: error.key === 'INTERNAL' }
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.validation) {
    return { error: new DomainError('BAD_PARAMETER', `invalid parameter: ${describeValidation(fastifyError)}`), internal: false }
  }
  const status = fastifyError.statusCode ?? 500
  if (status === 413) return { error: new DomainError('PAYLOAD_TOO_LARGE', fastifyError.message), internal: false }
  if (status === 429) return { error: new DomainError('RATE_LIMITED', fastifyError.message), internal: false }
  if (status >= 400 && status < 500) return { error: new DomainError('BAD_PARAMETER', fastifyError.message ?? 'bad request'), internal: false }
  return { error: new DomainError('INTERNAL'), internal: true }
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
