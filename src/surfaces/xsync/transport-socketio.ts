// socket.io transport of the web SDK: a socket.io 4 server (allowEIO3 for its v2 client) on /socket.io/, binary `frame` events.
import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import type { Session } from './session.ts'

export const SOCKET_IO_PATH = '/socket.io/'

/**
 * Shares the Fastify HTTP server. engine.io would destroy upgrade requests of other paths after a second unless
 * destroyUpgrade is off (mapping.md §2); maxHttpBufferSize: one frame may be as large as a REST body.
 */
export function serveSocketIo(server: HttpServer, open: (send: (bytes: Uint8Array) => void, close: () => void) => Session): () => Promise<void> {
  const io = new Server(server, {
    path: SOCKET_IO_PATH,
    allowEIO3: true,
    transports: ['websocket'],
    serveClient: false,
    destroyUpgrade: false,
    maxHttpBufferSize: 1024 * 1024,
  })
  io.on('connection', (socket) => {
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
  return async () => {
    io.disconnectSockets(true)
    io.engine.close()
  }
}
