// The legacy surface (000, 001): its error handler and every action, encapsulated together.
import type { FastifyInstance } from 'fastify'
import { sendLegacyError } from './envelope.ts'
import { userActions } from './user.actions.ts'
import { groupActions } from './group.actions.ts'

export async function legacySurface(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(sendLegacyError)
  userActions(app)
  groupActions(app)
}
