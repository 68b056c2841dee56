// One answer per WebSocket upgrade of the shared HTTP server: /socket.io/ to engine.io, `/` to the plain xsync socket, the rest to Fastify.
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { SOCKET_IO_PATH } from './transport-socketio.ts'
import { PLAIN_WS_PATH } from './transport-ws.ts'

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * @fastify/websocket routes every upgrade through Fastify (it would answer /socket.io/ with a 404 and `/` with
 * REST's GET /): the listeners registered before this call are wrapped so that each upgrade has one owner.
 */
export function routeUpgrades(server: Server, socketIo: UpgradeListener, plain: UpgradeListener): void {
  const others = server.listeners('upgrade') as UpgradeListener[]
  for (const listener of others) server.removeListener('upgrade', listener)
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]
    if (path?.startsWith(SOCKET_IO_PATH)) return socketIo(request, socket, head)
    if (path === PLAIN_WS_PATH) return plain(request, socket, head)
    for (const listener of others) listener(request, socket, head)
  })
}
