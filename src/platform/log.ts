// pino options: JSON logs with request ids, and no secrets — in headers, bodies or query strings.
import type { FastifyRequest, FastifyServerOptions } from 'fastify'

/** Parameter names whose values never reach a log line, wherever they appear. */
const SECRET_PARAM = /pass(word)?|token|secret|code|digest|authorization/i

export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  for (const key of [...params.keys()]) if (SECRET_PARAM.test(key)) params.set(key, '[redacted]')
  return `${url.slice(0, q)}?${params.toString()}`
}

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers["access-token"]', 'req.headers.accesstoken',
        'res.headers.accesstoken', 'body.password', 'body["userVO.password"]', 'body.oldPassword',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }
      },
    },
  }
}
