// A WebSocket client that behaves as the protocol asks: keeps the seqs it holds per conversation, and after every reconnection syncs what it missed.
import { WebSocket } from 'ws'
import { frameText } from '../../src/surfaces/realtime/frames.ts'
import type { Frame } from './sockets.ts'

export class Receiver {
  /** Per peer (user id of a pair): every seq held, from frames and syncs. */
  readonly held = new Map<number, Set<number>>()
  /** Close codes seen, in order. */
  readonly closes: number[] = []
  /** A message frame whose seq was not above the previous frame of its conversation on the same socket. */
  readonly outOfOrder: string[] = []
  /** Frames of type error received. */
  readonly errors: Frame[] = []
  sessions = 0
  private ws: WebSocket | undefined
  private stopped = false
  private lastOnSocket = new Map<number, number>()
  private waiters = new Map<string, (frame: Frame) => void>()
  private nextId = 0

  constructor(
    private readonly urls: () => string,
    private readonly token: string,
  ) {}

  /** Resolves once a socket is ready (retrying refused handshakes, as during an outage). */
  async start(): Promise<void> {
    for (;;) {
      if (this.stopped) return
      try {
        await this.open()
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.urls()}/ws`, { headers: { 'access-token': this.token } })
      let ready = false
      this.lastOnSocket = new Map()
      ws.on('message', (data) => {
        const frame = JSON.parse(frameText(data)) as Frame
        if (frame.type === 'ready') {
          ready = true
          this.ws = ws
          const first = this.sessions++ === 0
          resolve()
          // The protocol: after a reconnection, sync what was missed (again and again while it is refused, as in an outage).
          if (!first) void this.resyncUntilDone(ws)
          return
        }
        if (frame.type === 'message') {
          const peer = frame.conversation.id as number
          const last = this.lastOnSocket.get(peer)
          if (last !== undefined && frame.seq <= last) this.outOfOrder.push(`peer ${peer}: ${frame.seq} after ${last}`)
          this.lastOnSocket.set(peer, frame.seq)
          this.hold(peer, [frame.seq])
        }
        if (frame.type === 'error') this.errors.push(frame)
        if (frame.id !== undefined) {
          const waiter = this.waiters.get(String(frame.id))
          if (waiter) {
            this.waiters.delete(String(frame.id))
            waiter(frame)
          }
        }
      })
      ws.on('close', (code) => {
        if (!ready) return reject(new Error(`closed before ready: ${code}`))
        this.closes.push(code)
        if (this.ws === ws) this.ws = undefined
        if (!this.stopped) setTimeout(() => void this.start(), 100)
      })
      ws.on('error', (error) => {
        if (!ready) reject(error)
      })
    })
  }

  private hold(peer: number, seqs: number[]): void {
    let set = this.held.get(peer)
    if (!set) this.held.set(peer, (set = new Set()))
    for (const seq of seqs) set.add(seq)
  }

  /** The highest n such that 1..n are all held. */
  contiguous(peer: number): number {
    const held = this.held.get(peer)
    let n = 0
    while (held?.has(n + 1)) n++
    return n
  }

  /** Sends a frame with a fresh id and resolves with the answer carrying that id. */
  request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<Frame> {
    const id = `r${++this.nextId}`
    return new Promise((resolve, reject) => {
      const ws = this.ws
      if (!ws) return reject(new Error('no open socket'))
      const timer = setTimeout(() => {
        this.waiters.delete(id)
        reject(new Error(`no answer to ${JSON.stringify(frame)}`))
      }, timeoutMs)
      this.waiters.set(id, (answer) => {
        clearTimeout(timer)
        resolve(answer)
      })
      ws.send(JSON.stringify({ ...frame, id }))
    })
  }

  /** Syncs made complete after reconnecting. */
  resyncs = 0

  private async resyncUntilDone(ws: WebSocket): Promise<void> {
    while (!this.stopped && this.ws === ws) {
      try {
        await this.resync()
        this.resyncs++
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  /** Every conversation the server lists, after the highest seq held, page by page. */
  async resync(): Promise<void> {
    const list = await this.request({ type: 'sync' })
    if (list.type !== 'sync') throw new Error(`sync refused: ${JSON.stringify(list)}`)
    for (const { conversation } of list.conversations as Array<{ conversation: { type: number; id: number } }>) {
      for (;;) {
        // After the last seq held without a hole: a frame that came in before this answer may sit beyond one.
        const after = this.contiguous(conversation.id)
        const page = await this.request({ type: 'sync', conversation, after_seq: after, limit: 200 })
        if (page.type !== 'sync') throw new Error(`sync refused: ${JSON.stringify(page)}`)
        this.hold(
          conversation.id,
          page.messages.map((m: { seq: number }) => m.seq),
        )
        if (!page.has_more) break
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    const ws = this.ws
    if (ws && ws.readyState === WebSocket.OPEN) {
      const closed = new Promise((resolve) => ws.once('close', resolve))
      ws.close()
      await closed
    }
  }
}
