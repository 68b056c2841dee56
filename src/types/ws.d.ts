// The part of the `ws` package (a dependency of @fastify/websocket) this project uses, until @types/ws is installed.
declare module 'ws' {
  import type { EventEmitter } from 'node:events'
  import type { IncomingMessage, Server as HttpServer } from 'node:http'

  type RawData = Buffer | ArrayBuffer | Buffer[]

  export class WebSocket extends EventEmitter {
    static readonly CONNECTING: 0
    static readonly OPEN: 1
    static readonly CLOSING: 2
    static readonly CLOSED: 3
    constructor(address: string, options?: { headers?: Record<string, string>; perMessageDeflate?: boolean })
    readonly readyState: 0 | 1 | 2 | 3
    readonly bufferedAmount: number
    send(data: string | Buffer, callback?: (error?: Error) => void): void
    close(code?: number, reason?: string): void
    terminate(): void
    ping(data?: unknown): void
    on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this
    on(event: 'open', listener: () => void): this
    on(event: 'error', listener: (error: Error) => void): this
    on(event: 'unexpected-response', listener: (request: unknown, response: IncomingMessage) => void): this
    on(event: string, listener: (...args: any[]) => void): this
    once(event: string, listener: (...args: any[]) => void): this
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { port?: number; host?: string; server?: HttpServer; perMessageDeflate?: boolean })
    readonly clients: Set<WebSocket>
    address(): { port: number } | string
    close(callback?: (error?: Error) => void): void
    on(event: 'connection', listener: (socket: WebSocket, request: IncomingMessage) => void): this
    on(event: 'listening', listener: () => void): this
    on(event: string, listener: (...args: any[]) => void): this
  }

  export { WebSocketServer as Server }
  export default WebSocket
}
