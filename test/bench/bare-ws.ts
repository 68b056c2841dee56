// The fan-out baseline's bare `ws` server, in a child process: its thousands of sockets count against its own open-file limit, not the app's.
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

/** What the parent asks (over the IPC channel of `fork`, advanced serialization: a frame may be bytes). */
export type BareCommand = { cmd: 'broadcast'; frame: string | Uint8Array } | { cmd: 'close' }

/** The first message is the port listened on; then one `{ ok: true }` per broadcast. */
export type BareAnswer = { port: number } | { ok: true }

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
server.once('listening', () => process.send!({ port: (server.address() as AddressInfo).port } satisfies BareAnswer))

process.on('message', (command: BareCommand) => {
  if (command.cmd === 'close') {
    for (const client of server.clients) client.terminate()
    server.close(() => process.exit(0))
    return
  }
  // Queued on every socket before answering, as a broadcast in the parent's process would be.
  for (const client of server.clients) client.send(command.frame)
  process.send!({ ok: true } satisfies BareAnswer)
})
