// A real WebSocket client for tests: collects frames, waits for the ones asked for, and says what it saw when they do not come.
import { WebSocket } from 'ws'
import type { FastifyInstance } from 'fastify'
import { frameText } from '../../src/surfaces/realtime/frames.ts'

export type Frame = Record<string, any>

export interface TestSocket {
  ws: WebSocket
  frames: Frame[]
  /** Resolves with the first frame (not yet taken) that matches; rejects after `timeoutMs`. */
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>
  send(frame: unknown): void
  closed: Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

export async function listen(app: FastifyInstance): Promise<string> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  return address.replace(/^http/, 'ws')
}

/**
 * Opens /ws with the token in the `how` place and waits for the `ready` frame. `autoPong: false`: a client
 * that never answers pings (a phone whose app was suspended with its connection still open).
 */
export async function openSocket(
  baseUrl: string,
  token: string,
  how: 'header' | 'bearer' | 'token' | 'query' = 'header',
  options: { autoPong?: boolean } = {},
): Promise<TestSocket> {
  const url = how === 'query' ? `${baseUrl}/ws?token=${encodeURIComponent(token)}` : `${baseUrl}/ws`
  const headers: Record<string, string> =
    how === 'header'
      ? { 'access-token': token }
      : how === 'bearer'
        ? { authorization: `Bearer ${token}` }
        : how === 'token'
          ? { authorization: `Token ${token}` }
          : {}
  const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true })
  const frames: Frame[] = []
  const taken = new Set<Frame>()
  const waiters: Array<() => void> = []
  ws.on('message', (data) => {
    frames.push(JSON.parse(frameText(data)))
    for (const wake of waiters.splice(0)) wake()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() })
      for (const wake of waiters.splice(0)) wake()
    })
  })
  const socket: TestSocket = {
    ws,
    frames,
    closed,
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 2000)}`)), timeoutMs)
        const look = () => {
          const found = frames.find((f) => !taken.has(f) && match(f))
          if (found) {
            taken.add(found)
            clearTimeout(timer)
            resolve(found)
          } else waiters.push(look)
        }
        look()
      })
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return
      ws.close()
      await closed
    },
  }
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_request: unknown, response: import('node:http').IncomingMessage) => {
      let body = ''
      response.on('data', (chunk) => {
        body += chunk
      })
      response.on('end', () =>
        reject(Object.assign(new Error(`handshake refused: HTTP ${response.statusCode} ${body}`), { status: response.statusCode, body })),
      )
    })
  })
  await socket.next((f) => f.type === 'ready')
  return socket
}

/** Frames of one type received so far. */
export function framesOf(socket: TestSocket, type: string): Frame[] {
  return socket.frames.filter((f) => f.type === type)
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
