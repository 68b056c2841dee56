// socket.io transport of the web SDK: a socket.io 4 server (allowEIO3 for its v2 client) on /socket.io/, binary `frame` events, loaded at its first request.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type * as EngineIo from 'engine.io'
import type * as SocketIo from 'socket.io'
import { lazily } from '../../platform/lazy.ts'
import type { Session } from './session.ts'

export const SOCKET_IO_PATH = '/socket.io/'

const loadSocketIo = lazily<typeof SocketIo>('socket.io')
const loadEngineIo = lazily<typeof EngineIo>('engine.io')

/** The socket.io side of the HTTP server: its upgrades (upgrade-router.ts hands them over) and the close. */
export interface SocketIoTransport {
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): Promise<void>
}

/**
 * Shares the Fastify HTTP server. socket.io and engine.io (~60 ms of CPU to load) are loaded by the first request or
 * upgrade of /socket.io/, and the server is then the one `new Server(httpServer, options)` would make: the same
 * options, engine.io bound through socket.io's `bind()`; requests of /socket.io/ go to the engine as its attach()
 * would send them, and every other request to whoever listened before. destroyUpgrade is moot here (the router
 * owns upgrades, mapping.md §2); maxHttpBufferSize: one frame may be as large as a REST body.
 */
export function serveSocketIo(server: HttpServer, open: (send: (bytes: Uint8Array) => void, close: () => void) => Session): SocketIoTransport {
  let io: SocketIo.Server | undefined
  const started = (): SocketIo.Server => {
    if (io) return io
    const options = { path: SOCKET_IO_PATH, allowEIO3: true, transports: ['websocket' as const], serveClient: false, maxHttpBufferSize: 1024 * 1024 }
    const created = new (loadSocketIo().Server)(options)
    created.bind(new (loadEngineIo().Server)(options))
    created.on('connection', (socket) => {
      const session = open(
        (bytes) => socket.emit('frame', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
        () => socket.disconnect(true),
      )
      socket.on('frame', (data: unknown) => {
        if (data instanceof Uint8Array) session.receive(data)
        else if (data instanceof ArrayBuffer) session.receive(new Uint8Array(data))
        else session.receive(new Uint8Array([0xff]))
      })
      socket.on('disconnect', () => session.ended())
    })
    return (io = created)
  }
  const engine = () => started().engine
  const others = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>
  server.removeAllListeners('request')
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if ((request.url ?? '').startsWith(SOCKET_IO_PATH)) engine().handleRequest(request, response)
    else for (const listener of others) listener.call(server, request, response)
  })
  return {
    upgrade: (request, socket, head) => engine().handleUpgrade(request, socket, head),
    async close() {
      if (!io) return
      io.disconnectSockets(true)
      io.engine.close()
    },
  }
}
