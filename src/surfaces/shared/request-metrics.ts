// Requests and latency per route pattern and surface: each route gets its recorder when it is declared, so an answer costs one histogram observation.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'

export type Surface = 'rest' | 'legacy' | 'facade' | 'files' | 'ops' | 'ws'

/** Records one answered request of one route. */
export type RequestRecorder = (method: string, statusCode: number, seconds: number) => void

export interface RequestMetrics {
  /** A recorder for the requests of one route: `route` is its pattern (`/message/:msg_id`), never a URL. */
  requests(surface: Surface, route: string): RequestRecorder
}

export interface SurfaceOf {
  /** The surface a route belongs to, told once when it is declared. */
  route(route: RouteOptions): Surface
  /** The surface of a URL no route matched (for its 404). */
  url(url: string): Surface
}

/** The route label of requests no route matched: their URL, which may hold ids and tokens, is never a label. */
export const UNMATCHED_ROUTE = 'unmatched'

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

/** Counts every route declared after this call (call it before any route) and every request that matched none. */
export function countRequests(app: FastifyInstance, metrics: RequestMetrics, surfaceOf: SurfaceOf): void {
  app.addHook('onRoute', (route) => {
    const record = metrics.requests(surfaceOf.route(route), route.url)
    // Callback hooks: no promise per request.
    const answered: Hook = (request, reply, done) => {
      record(request.method, reply.statusCode, reply.elapsedTime / 1000)
      done()
    }
    route.onResponse = append(route.onResponse, answered)
    if ((route as { websocket?: boolean }).websocket) {
      // An accepted upgrade is hijacked and never reaches onResponse: it is counted as it reaches its handler, as 101.
      const upgrading: Hook = (request, reply, done) => {
        if (request.ws) record(request.method, 101, reply.elapsedTime / 1000)
        done()
      }
      route.preHandler = append(route.preHandler, upgrading)
    }
  })
  const unmatched = new Map<Surface, RequestRecorder>()
  const countUnmatched: Hook = (request, reply, done) => {
    // Every request passes here: a matched one costs one property read.
    if (request.is404) {
      const surface = surfaceOf.url(request.url)
      let record = unmatched.get(surface)
      if (!record) unmatched.set(surface, (record = metrics.requests(surface, UNMATCHED_ROUTE)))
      record(request.method, reply.statusCode, reply.elapsedTime / 1000)
    }
    done()
  }
  app.addHook('onResponse', countUnmatched)
}

/** The route's hooks of one kind (none, one or several) with `hook` last. */
function append(existing: unknown, hook: Hook): Hook[] {
  const hooks = (existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]) as Hook[]
  return [...hooks, hook]
}
