// The IM facade surface (003): its error handler and routes, encapsulated together.
import type { FastifyInstance } from 'fastify'
import { sendFacadeError } from './envelope.ts'
import { imRoutes } from './im.routes.ts'
import { groupFacadeRoutes } from './group.routes.ts'

export async function facadeSurface(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(sendFacadeError)
  imRoutes(app)
  groupFacadeRoutes(app)
}
