// One answer per WebSocket upgrade of the shared HTTP server: /socket.io/ to engine.io, `/` to the plain xsync socket, the rest to Fastify.
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { SOCKET_IO_PATH } from './transport-socketio.ts'
import { PLAIN_WS_PATH } from './transport-ws.ts'

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * @fastify/websocket routes every upgrade through Fastify (it would answer /socket.io/ with a 404 and `/` with
 * REST's GET /), and engine.io (attached earlier) listens to every upgrade too: the listeners registered before
 * this call are wrapped so that each upgrade has one owner.
 */
export function routeUpgrades(
  server: Server,
  engineListeners: readonly UpgradeListener[],
  plain: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
): void {
  const others = (server.listeners('upgrade') as UpgradeListener[]).filter((l) => !engineListeners.includes(l))
  for (const listener of others) server.removeListener('upgrade', listener)
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]
    if (path?.startsWith(SOCKET_IO_PATH)) return
    if (path === PLAIN_WS_PATH) return plain(request, socket, head)
    for (const listener of others) listener(request, socket, head)
  })
}
