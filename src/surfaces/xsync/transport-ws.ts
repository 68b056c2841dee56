// Plain WebSocket transport of the uniapp and mini-program SDKs: an upgrade of `/`, one binary message per Frame.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { Session } from './session.ts'

export const PLAIN_WS_PATH = '/'

/**
 * `GET /` stays REST's (the SDK's speed test); only its upgrades come here (upgrade-router.ts). One frame may be
 * as large as a REST body.
 */
export function plainWebSocket(open: (send: (bytes: Uint8Array) => void, close: (code: number, reason: string) => void) => Session) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const session = open(
          (bytes) => ws.send(bytes),
          (code, reason) => ws.close(code, reason),
        )
        // A text message is no Frame: answered as undecodable bytes.
        ws.on('message', (data, isBinary) => session.receive(isBinary ? toBytes(data) : new Uint8Array([0xff])))
        ws.on('close', () => session.ended())
        ws.on('error', () => session.ended())
      })
    },
    async close(): Promise<void> {
      for (const ws of wss.clients) ws.close(1001, 'the server is shutting down')
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}
