// The REST surface (002): its error handler and every resource's routes, encapsulated together.
import type { FastifyInstance } from 'fastify'
import { sendRestError } from './envelope.ts'
import { tokenRoutes } from './token.routes.ts'
import { userRoutes } from './user.routes.ts'
import { groupRoutes } from './group.routes.ts'

export async function restSurface(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(sendRestError)
  tokenRoutes(app)
  userRoutes(app)
  groupRoutes(app)
}
