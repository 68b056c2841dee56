// GET /metrics: this process's Prometheus metrics, for a scraper holding METRICS_TOKEN.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { header } from '../shared/request-context.ts'

export interface MetricsSource {
  render(): Promise<string>
  readonly contentType: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()

export function metricsRoutes(app: FastifyInstance, metrics: MetricsSource, token: string): void {
  const expected = digest(token)
  // Digests of equal length: the comparison takes the same time whatever was sent.
  const authorized = (authorization: string | undefined) => {
    const given = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
    return given !== undefined && timingSafeEqual(digest(given), expected)
  }

  /** GET /metrics */
  app.get(
    '/metrics',
    {
      schema: { summary: 'Prometheus metrics of this process (Authorization: Bearer METRICS_TOKEN)', tags: ['ops'], hide: true },
      logLevel: 'warn',
    },
    async (request, reply) => {
      if (!authorized(header(request.headers, 'authorization'))) {
        return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').send({ status: 'unauthorized' })
      }
      return reply
        .header('content-type', metrics.contentType)
        .header('cache-control', 'no-store')
        .send(await metrics.render())
    },
  )
}
