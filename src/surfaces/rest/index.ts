// The REST surface (002): its error handler and every resource's routes, encapsulated together.
import type { FastifyInstance } from 'fastify'
import { sendRestError } from './envelope.ts'
import { rosterRoutes } from './roster.routes.ts'
import { tokenRoutes } from './token.routes.ts'
import { userRoutes } from './user.routes.ts'
import { appRoutes } from './app.routes.ts'
import { userSettingsRoutes } from './user-settings.routes.ts'
import { userDeviceRoutes } from './user-devices.routes.ts'
import { fileRoutes } from './file.routes.ts'
import { groupRoutes } from './group.routes.ts'
import { messageRoutes } from './message.routes.ts'
import { sdkStartRoutes } from './sdk-start.routes.ts'
import { notSupportedRoutes } from './not-supported.routes.ts'
import { sdkExtraRoutes } from './sdk-extra.routes.ts'
import { sdkMobileRoutes } from './sdk-mobile.routes.ts'
import { pushRoutes } from './push.routes.ts'

export async function restSurface(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(sendRestError)
  tokenRoutes(app)
  userRoutes(app)
  appRoutes(app)
  userSettingsRoutes(app)
  userDeviceRoutes(app)
  fileRoutes(app)
  rosterRoutes(app)
  groupRoutes(app)
  messageRoutes(app)
  sdkStartRoutes(app)
  notSupportedRoutes(app)
  sdkExtraRoutes(app)
  sdkMobileRoutes(app)
  pushRoutes(app)
}
