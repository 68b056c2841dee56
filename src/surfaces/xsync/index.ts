// The xsync surface: MaxIM SDKs' real-time protocol over socket.io (/socket.io/) and a plain WebSocket (/), one session class.
import type { FastifyInstance } from 'fastify'
import type { Bus } from '../../platform/bus.ts'
import { XsyncSockets } from './delivery.ts'
import { Session, type SessionDeps } from './session.ts'
import { systemConversation } from './system-conversation.ts'
import { serveSocketIo } from './transport-socketio.ts'
import { plainWebSocket } from './transport-ws.ts'
import { routeUpgrades } from './upgrade-router.ts'

export function xsyncSurface(bus: Bus) {
  return async function xsync(app: FastifyInstance): Promise<void> {
    const system = systemConversation(app.services, bus)
    const sockets = new XsyncSockets(app.services, bus, system, app.log)
    await sockets.start()
    const deps: SessionDeps = { services: app.services, system, registry: sockets, relay: sockets, log: app.log }
    const session = (send: (bytes: Uint8Array) => void, close: (code: number, reason: string) => void) => new Session({ send, close }, deps)
    const socketIo = serveSocketIo(app.server, session)
    const plain = plainWebSocket(session)
    routeUpgrades(
      app.server,
      (request, socket, head) => socketIo.upgrade(request, socket, head),
      (request, socket, head) => plain.handleUpgrade(request, socket, head),
    )
    app.addHook('onClose', async () => {
      await sockets.close()
      await socketIo.close()
      await plain.close()
    })
  }
}
