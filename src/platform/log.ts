// pino options: JSON logs with request ids, and no secrets or content — in headers, URLs, or the errors of the database.
import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import { stdSerializers } from 'pino'

/** Parameter names whose values never reach a log line, even when they look like plain numbers (codes, mobiles). */
const SECRET_PARAM = /pass(word)?|token|secret|code|captcha|digest|authorization|sign|answer|mobile|phone|email|key/i
/** Other values are logged only when they are plain numbers or booleans (ids, paging, types): text may be content. */
const PLAIN_VALUE = /^(-?\d{1,20}|true|false)$/
/** Path segments that are secrets themselves: an upload ticket is also the chat file's download sign. */
const SECRET_SEGMENT = /^(\/file\/upload\/ticket\/)[^/?]+/

/** `url` with every query value that could be a secret or content replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).replace(SECRET_SEGMENT, '$1[redacted]')
  if (q < 0) return path
  const params = new URLSearchParams(url.slice(q + 1))
  const redacted = new URLSearchParams()
  for (const [key, value] of params) redacted.append(key, !SECRET_PARAM.test(key) && PLAIN_VALUE.test(value) ? value : '[redacted]')
  return `${path}?${redacted.toString()}`
}

/**
 * Fields a database error carries that hold what was sent: the statement's parameters (message texts,
 * push tokens, digests), PostgreSQL's detail ("Key (mobile)=(…) already exists") and where ("portal
 * parameter $10 = '…'"). The statement's text stays: it names what failed, without values.
 */
const VALUE_FIELDS = ['params', 'parameters', 'values', 'bindings', 'detail', 'where', 'hint', 'internalQuery']

/** An error as pino's standard serializer shows it, without the values it was given; causes likewise. */
function serializeError(error: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  return scrub(stdSerializers.err(error as Error), 0) as { type: string; message: string; stack: string }
}

/** A copy of `node` without value fields, at every depth (to a point). */
function scrub(node: Record<string, unknown>, depth: number): Record<string, unknown> {
  const isDatabaseError = typeof node.severity === 'string' || typeof node.routine === 'string' || Array.isArray(node.params)
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (VALUE_FIELDS.includes(key)) copy[key] = '[redacted]'
    // PostgreSQL quotes the offending value in some messages (invalid input syntax for type json: "…").
    else if (isDatabaseError && (key === 'message' || key === 'stack') && typeof value === 'string') copy[key] = redactQuoted(value)
    else if (typeof value === 'object' && value !== null && !Array.isArray(value))
      copy[key] = depth < 5 ? scrub(value as Record<string, unknown>, depth + 1) : '[nested]'
    else copy[key] = value
  }
  return copy
}

function redactQuoted(text: string): string {
  return text.replace(/"[^"\n]*"/g, '"[redacted]"').replace(/'[^'\n]*'/g, "'[redacted]'")
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["access-token"]',
        'req.headers.accesstoken',
        'res.headers.accesstoken',
        'body.password',
        'body["userVO.password"]',
        'body.oldPassword',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }
      },
      err: serializeError,
    },
  }
}
