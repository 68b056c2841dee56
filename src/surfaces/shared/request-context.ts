// What authentication leaves on a request for the handler: the app, and who acts (null on public routes).
import type { Actor } from '../../domain/actor.ts'
import type { Services } from '../../domain/services.ts'
import type { Config } from '../../config.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
    appId: string
  }
  interface FastifyInstance {
    services: Services
    config: Config
  }
}

/** A request header as one string: the first value when repeated, undefined when absent or empty. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name]
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined || first === '' ? undefined : first
}
