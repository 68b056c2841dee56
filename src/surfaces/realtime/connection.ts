// One WebSocket of one user: frames in seq order per conversation, each message once, gaps filled from the database.
import { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { Actor } from '../../domain/actor.ts'
import type { MessageDoorbell } from '../../domain/events.ts'
import { conversationFor } from '../../domain/messages/conversation.ts'
import type { Services } from '../../domain/services.ts'
import { ERRORS } from '../../domain/errors.ts'
import { toDomainError } from '../shared/errors.ts'
import { conversationsFrame, errorFrame, messageFrame, parseClientFrame, syncFrame, type ClientFrame } from './frames.ts'
import { FrameBucket, type SyncBudgets } from './limits.ts'

/**
 * The TCP socket under a `ws` WebSocket (`_socket`: ws has no public handle on it), while it has one. Corking it
 * only batches writes, so a WebSocket without one (closed, or another implementation) merely writes unbatched.
 */
function tcpOf(socket: WebSocket): Socket | undefined {
  const raw = (socket as unknown as { _socket?: unknown })._socket
  return raw instanceof Socket && !raw.destroyed ? raw : undefined
}

/** A gap larger than this is not filled: the frame after it shows the jump, and the client syncs. */
const GAP_FILL_LIMIT = 500
/** Sync requests of one socket waiting for their answer; more are refused (they would only pile up in memory). */
const MAX_PENDING_SYNCS = 64
/** A socket closed for not reading is cut off this long after its close frame was queued. */
const CLOSE_GRACE_MS = 5_000

export interface ConnectionLimits {
  /** Client frames per second (bursts of twice as many). */
  framesPerSecond: number
  /** A client that reads this much slower than we write is closed with 1013; it reconnects and syncs. */
  maxBufferedBytes: number
  /** Concurrent sync work per user, shared by the user's sockets on this process. */
  syncBudgets: SyncBudgets
}

/** A frame written to the socket, acknowledged once the client answers the ping sent after it. */
export interface DeliveryMark {
  appId: string
  /** 1 pair, 2 group. */
  kind: 1 | 2
  conversationId: number
  userId: number
  seq: number
}

interface Unconfirmed {
  marks: Map<number, DeliveryMark>
  then: Array<() => void>
}

export class Connection {
  /** Per conversation id: the highest seq this socket was sent. */
  private readonly sent = new Map<number, number>()
  /** Frames written since the last ping (messages per conversation id, and others' callbacks): confirmed by the pong of the next ping. */
  private unconfirmed: Unconfirmed = { marks: new Map(), then: [] }
  /** Frames the ping in flight confirms, and that ping's payload. */
  private inFlight: (Unconfirmed & { ping: string }) | undefined
  private pings = 0
  /** Work that must keep order (gap fills, sync answers); while it runs, new frames queue behind it. */
  private chain: Promise<void> = Promise.resolve()
  private queued = 0
  private pendingSyncs = 0
  private readonly bucket: FrameBucket
  closed = false

  constructor(
    readonly socket: WebSocket,
    readonly actor: Actor & { userId: number },
    private readonly services: Services,
    private readonly onDelivered: (mark: DeliveryMark) => void,
    private readonly log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
    private readonly limits: ConnectionLimits,
  ) {
    this.bucket = new FrameBucket(limits.framesPerSecond)
  }

  get userId(): number {
    return this.actor.userId
  }

  send(frame: string): void {
    if (this.closed) return
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(1013, 'too far behind: reconnect and sync')
      // A client that does not read never answers the close frame either: do not keep its buffer for long.
      setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref()
      return
    }
    this.socket.send(frame)
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.socket.close(code, reason)
  }

  /** A doorbell for this user; `frame` is the rendered message as this user sees it. */
  /**
   * `confirm`: ask the client to acknowledge the frame (a ping after it). Without, the frame is written alone: a
   * group message of an app that does not push, whose delivery marks nobody reads (see Hub.flushDelivered).
   */
  deliver(doorbell: MessageDoorbell, frame: string, confirm = true): void {
    const { conversationId, seq } = doorbell
    if (this.queued === 0) {
      const last = this.sent.get(conversationId)
      if (last !== undefined && seq <= last) return
      if (last === undefined || seq === last + 1) {
        this.emit(doorbell, seq, frame, confirm)
        return
      }
    }
    this.enqueue(async () => {
      const last = this.sent.get(conversationId)
      if (last !== undefined && seq <= last) return
      if (last !== undefined && seq > last + 1) {
        // Out of order or a lost doorbell: what lies between is committed (the sequence is gap-free), so read it.
        const missing = await this.services.messages.catchUp(doorbell.appId, this.userId, conversationId, last, seq - 1, GAP_FILL_LIMIT)
        const ref = conversationFor(doorbell.kind, doorbell.peerA, doorbell.peerB, this.userId)
        for (const item of missing) this.emit(doorbell, item.seq, messageFrame(item, ref), confirm)
      }
      this.emit(doorbell, seq, frame, confirm)
    })
  }

  private emit(doorbell: MessageDoorbell, seq: number, frame: string, confirm: boolean): void {
    const last = this.sent.get(doorbell.conversationId)
    if (last !== undefined && seq <= last) return
    this.sent.set(doorbell.conversationId, seq)
    if (!confirm) {
      this.send(frame)
      return
    }
    // The frame and the ping that confirms it leave in one write: one system call and one TCP segment per socket, not two.
    const raw = tcpOf(this.socket)
    raw?.cork()
    try {
      this.emitCorked(doorbell, seq, frame)
    } finally {
      raw?.uncork()
    }
  }

  private emitCorked(doorbell: MessageDoorbell, seq: number, frame: string): void {
    this.send(frame)
    this.unconfirmed.marks.set(doorbell.conversationId, {
      appId: doorbell.appId,
      kind: doorbell.kind,
      conversationId: doorbell.conversationId,
      userId: this.userId,
      seq,
    })
    this.confirmSoon()
  }

  /**
   * The client's acknowledgement without a frame of its own: a WebSocket ping after the frames, whose pong
   * (every client answers pings, browsers too, with the same payload) can only come once the client received
   * everything sent before it. A frame merely written to a socket whose phone went away is not delivered.
   */
  private confirmSoon(): void {
    if (this.inFlight || (this.unconfirmed.marks.size === 0 && this.unconfirmed.then.length === 0) || this.closed) return
    const ping = `d${++this.pings}`
    this.inFlight = { ping, ...this.unconfirmed }
    this.unconfirmed = { marks: new Map(), then: [] }
    this.socket.ping(ping)
  }

  /** Writes a frame and calls `confirmed` once the client acknowledged it (never, if the socket closes first). */
  sendConfirmed(frame: string, confirmed: () => void): void {
    if (this.closed) return
    this.send(frame)
    this.unconfirmed.then.push(confirmed)
    this.confirmSoon()
  }

  /** A pong: the ping it answers confirms its frames (a pong of another ping, or unasked, confirms nothing). */
  pong(data: Buffer): void {
    if (!this.inFlight || data.toString() !== this.inFlight.ping) return
    for (const mark of this.inFlight.marks.values()) this.onDelivered(mark)
    for (const confirmed of this.inFlight.then) confirmed()
    this.inFlight = undefined
    this.confirmSoon()
  }

  private enqueue(work: () => Promise<void>): void {
    this.queued++
    this.chain = this.chain
      .then(work)
      .catch((error: unknown) => {
        this.log.warn({ err: error, userId: this.userId }, 'websocket work failed')
      })
      .finally(() => {
        this.queued--
      })
  }

  /** A client frame: ping, or sync (a conversation after a seq, or the list of conversations). */
  receive(text: string): void {
    if (this.closed) return
    const frame = parseClientFrame(text)
    if (!this.bucket.take()) {
      // Told once per frame; a client that ignores a whole burst of refusals is cut off.
      if (this.bucket.refusedInARow > this.bucket.capacity) this.close(1008, 'too many frames')
      else this.send(errorFrame(frame.id, ERRORS.RATE_LIMITED.code, `too many frames: at most ${this.limits.framesPerSecond} per second`))
      return
    }
    if ('error' in frame) {
      this.send(errorFrame(frame.id, 10002, frame.error))
      return
    }
    if (frame.type === 'ping') {
      this.send(JSON.stringify({ type: 'pong', ...(frame.id !== undefined ? { id: frame.id } : {}), time: Date.now() }))
      return
    }
    if (this.pendingSyncs >= MAX_PENDING_SYNCS) {
      this.send(errorFrame(frame.id, ERRORS.RATE_LIMITED.code, `too many sync requests in progress (at most ${MAX_PENDING_SYNCS}): wait for their answers`))
      return
    }
    this.pendingSyncs++
    this.enqueue(async () => {
      try {
        if (this.closed) return
        await this.limits.syncBudgets.run(this.userId, () => this.sync(frame))
      } catch (error) {
        const { error: domainError, internal } = toDomainError(error)
        if (internal) this.log.error({ err: error, userId: this.userId }, 'websocket sync failed')
        this.send(errorFrame(frame.id, domainError.code, domainError.message))
      } finally {
        this.pendingSyncs--
      }
    })
  }

  private async sync(frame: Extract<ClientFrame, { type: 'sync' }>): Promise<void> {
    const { appId, userId } = this.actor
    if (!frame.conversation) {
      this.send(conversationsFrame(frame.id, await this.services.messages.recent({ ...this.actor, userId })))
      return
    }
    const result = await this.services.messages.sync(appId, userId, frame.conversation, frame.afterSeq, frame.limit)
    this.send(syncFrame(frame.id, frame.conversation, result.messages, result.lastSeq, result.hasMore))
    const newest = result.messages.at(-1)?.seq ?? frame.afterSeq
    // From here doorbells continue after what the client now holds.
    if (result.conversationId !== 0) this.advance(result.conversationId, Math.min(Math.max(newest, frame.afterSeq), result.lastSeq))
  }

  private advance(conversationId: number, seq: number): void {
    const last = this.sent.get(conversationId)
    if (last === undefined || seq > last) this.sent.set(conversationId, seq)
  }
}
