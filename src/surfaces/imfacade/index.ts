// The IM facade surface (003): its error handler and routes, encapsulated together; other methods on its URLs answer DRF's 405.
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { methodNotAllowedDetail, sendFacadeError } from './envelope.ts'
import { imRoutes } from './im.routes.ts'
import { groupFacadeRoutes } from './group.routes.ts'

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

export async function facadeSurface(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(sendFacadeError)
  const served = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = served.get(route.url) ?? new Set<string>()
    for (const method of [route.method].flat()) methods.add(method)
    served.set(route.url, methods)
  })
  imRoutes(app)
  groupFacadeRoutes(app)
  // Django REST Framework answers a method a view does not serve with 405, an Allow header and its detail.
  for (const [url, methods] of [...served]) {
    const allow = [...methods, 'OPTIONS'].join(', ')
    app.route({
      method: METHODS.filter((m) => !methods.has(m)),
      url,
      schema: { hide: true },
      handler: async (request, reply) =>
        reply
          .status(405)
          .header('allow', allow)
          .send({ detail: methodNotAllowedDetail(request.method) }),
    })
  }
}
