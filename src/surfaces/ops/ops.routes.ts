// Operations endpoints: liveness, readiness (database, and Redis when configured).
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Platform } from '../../platform/platform.ts'

const Check = Type.Union([Type.Literal('ok'), Type.Literal('fail'), Type.Literal('not configured')])

export function opsRoutes(app: FastifyInstance, platform: Platform): void {
  /** GET /healthz */
  app.get(
    '/healthz',
    {
      schema: { summary: 'liveness', tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  )

  /** GET /readyz */
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'readiness: the database answers, and Redis when configured',
        tags: ['ops'],
        response: {
          200: Type.Object({ status: Type.String(), database: Check, redis: Check }),
          503: Type.Object({ status: Type.String(), database: Check, redis: Check }),
        },
      },
      logLevel: 'warn',
    },
    async (request, reply) => {
      const probe = async (fn: () => Promise<void>) => {
        try {
          await fn()
          return 'ok' as const
        } catch (error) {
          request.log.warn({ err: error }, 'readiness check failed')
          return 'fail' as const
        }
      }
      const database = await probe(() => platform.database.ping())
      const redis = platform.redis ? await probe(() => platform.kv.ping()) : ('not configured' as const)
      const ready = database === 'ok' && redis !== 'fail'
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', database, redis })
    },
  )
}
