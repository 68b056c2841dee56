// The sockets of this process: doorbells from the bus to the right sockets, revoked tokens kicked, presence kept.
import type { FastifyBaseLogger } from 'fastify'
import {
  ACKS_CHANNEL,
  MESSAGES_CHANNEL,
  PUSH_TASKS_CHANNEL,
  TOKENS_REVOKED_CHANNEL,
  type AckDoorbell,
  type MessageDoorbell,
  type PushTaskDoorbell,
} from '../../domain/events.ts'
import { conversationFor } from '../../domain/messages/conversation.ts'
import type { MessageItem } from '../../domain/messages/messages.types.ts'
import type { Services } from '../../domain/services.ts'
import type { Bus } from '../../platform/bus.ts'
import type { Connection, DeliveryMark } from './connection.ts'
import { ackFrame, messageFrame } from './frames.ts'

const HEARTBEAT_MS = 5_000
/** DELIVERED marks of pairs are written in batches, not once per frame. */
const DELIVERED_FLUSH_MS = 200
/** After a bus outage the sockets are told to reconnect over this long, not all in the same instant. */
const RECONNECT_SPREAD_MS = 1_000

/** What the hub reports for operations: the app hands in the process's metrics when they are on. */
export interface RealtimeMetrics {
  socketOpened(): void
  socketClosed(): void
  doorbellArrived(channel: string, publishedAt: number | undefined): void
}

export class Hub {
  private readonly byUser = new Map<number, Set<Connection>>()
  private readonly byToken = new Map<number, Set<Connection>>()
  private readonly unsubscribe: Array<() => Promise<void>> = []
  private readonly delivered = new Map<string, DeliveryMark>()
  /** Per push task: sockets that acknowledged its frame since the last flush. */
  private readonly received = new Map<number, number>()
  /** Per app: whether it has push credentials, as last heard (see pushes). */
  private readonly pushingApps = new Map<string, boolean>()
  private heartbeat: NodeJS.Timeout | undefined
  private flusher: NodeJS.Timeout | undefined
  private closing = false

  constructor(
    private readonly services: Services,
    private readonly bus: Bus,
    readonly log: FastifyBaseLogger,
    private readonly metrics?: RealtimeMetrics,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe.push(
      await this.bus.subscribe(MESSAGES_CHANNEL, (text) => this.onMessage(JSON.parse(text) as MessageDoorbell)),
      await this.bus.subscribe(ACKS_CHANNEL, (text) => this.onAck(JSON.parse(text) as AckDoorbell)),
      await this.bus.subscribe(PUSH_TASKS_CHANNEL, (text) => this.onPushTask(JSON.parse(text) as PushTaskDoorbell)),
      await this.bus.subscribe(TOKENS_REVOKED_CHANNEL, (text) => this.onRevoked(JSON.parse(text) as number[])),
    )
    this.bus.onResumed(() => this.reconnectAll())
    await this.services.presence.heartbeat()
    this.heartbeat = setInterval(() => {
      this.services.presence.heartbeat(() => this.liveCounts()).catch((error) => this.log.warn({ err: error }, 'presence heartbeat failed'))
    }, HEARTBEAT_MS)
    this.heartbeat.unref()
    this.flusher = setInterval(() => {
      void this.flushDelivered()
    }, DELIVERED_FLUSH_MS)
    this.flusher.unref()
  }

  async close(): Promise<void> {
    this.closing = true
    clearInterval(this.heartbeat)
    clearInterval(this.flusher)
    for (const off of this.unsubscribe.splice(0)) await off()
    await this.flushDelivered()
    await this.services.presence.close().catch((error) => this.log.warn({ err: error }, 'presence cleanup failed'))
  }

  /** A socket is registered at once (no frame is missed); presence follows. */
  add(connection: Connection): Promise<void> {
    addTo(this.byUser, connection.userId, connection)
    addTo(this.byToken, connection.actor.tokenId, connection)
    this.metrics?.socketOpened()
    return this.services.presence.connected(connection.userId)
  }

  async remove(connection: Connection, registered: Promise<void>): Promise<void> {
    removeFrom(this.byUser, connection.userId, connection)
    removeFrom(this.byToken, connection.actor.tokenId, connection)
    this.metrics?.socketClosed()
    // The count goes down only after it went up.
    await registered.catch(() => {})
    if (!this.closing) await this.services.presence.disconnected(connection.userId)
  }

  private liveCounts(): Map<number, number> {
    return new Map([...this.byUser].map(([userId, set]) => [userId, set.size]))
  }

  connectionsOf(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0
  }

  private onMessage(doorbell: MessageDoorbell): void {
    this.metrics?.doorbellArrived(MESSAGES_CHANNEL, doorbell.publishedAt)
    let shared: string | undefined
    // A pair's delivery is its DELIVERED status; a group member's matters only to an app that pushes.
    const confirm = doorbell.kind === 1 || this.pushes(doorbell.appId)
    for (const userId of doorbell.recipients) {
      const sockets = this.byUser.get(userId)
      if (!sockets) continue
      // A group frame reads the same for every member: render it once.
      const frame =
        doorbell.kind === 2
          ? (shared ??= messageFrame(delivered(doorbell), { type: 2, id: doorbell.peerA }))
          : messageFrame(delivered(doorbell), conversationFor(doorbell.kind, doorbell.peerA, doorbell.peerB, userId))
      for (const connection of sockets) connection.deliver(doorbell, frame, confirm)
    }
  }

  /**
   * Whether the app has push credentials, as last heard; unknown counts as yes (nothing is left unconfirmed). The
   * answer is cached for 30 s (as flushDelivered's): credentials just set make later frames confirmed again.
   */
  private pushes(appId: string): boolean {
    this.services.pushCredentials.hasAny(appId).then(
      (pushes) => this.pushingApps.set(appId, pushes),
      (error: unknown) => this.log.warn({ err: error }, 'could not ask whether the app pushes'),
    )
    return this.pushingApps.get(appId) ?? true
  }

  private onAck(doorbell: AckDoorbell): void {
    this.metrics?.doorbellArrived(ACKS_CHANNEL, doorbell.publishedAt)
    for (const userId of doorbell.recipients) {
      const sockets = this.byUser.get(userId)
      if (!sockets) continue
      const frame = ackFrame(conversationFor(doorbell.kind, doorbell.peerA, doorbell.peerB, userId), doorbell.userId, doorbell.msgId, doorbell.seq)
      for (const connection of sockets) connection.send(frame)
    }
  }

  /** A /push/notify task for sockets (the `mxpush` channel): a `push` frame to each socket of the recipients here, counted sent, then received once acknowledged. */
  private onPushTask(doorbell: PushTaskDoorbell): void {
    this.metrics?.doorbellArrived(PUSH_TASKS_CHANNEL, doorbell.publishedAt)
    const frame = JSON.stringify({ type: 'push', task_id: doorbell.taskId, message: doorbell.message })
    let sent = 0
    for (const userId of doorbell.recipients) {
      for (const connection of this.byUser.get(userId) ?? []) {
        if (connection.closed || connection.actor.appId !== doorbell.appId) continue
        sent++
        connection.sendConfirmed(frame, () => this.received.set(doorbell.taskId, (this.received.get(doorbell.taskId) ?? 0) + 1))
      }
    }
    if (sent > 0) this.services.push.countMxpush(doorbell.taskId, sent, 0).catch((error) => this.log.warn({ err: error }, 'could not count a push task'))
  }

  private onRevoked(tokenIds: number[]): void {
    for (const tokenId of tokenIds) {
      for (const connection of this.byToken.get(tokenId) ?? []) this.kick(connection, 'the token was revoked')
    }
  }

  /**
   * The bus was interrupted (Redis went away and came back): doorbells of that time never came, and a
   * revoked token's socket may still be open. Every socket is closed with 1012; its client reconnects
   * (authenticating again) and syncs, which is what the protocol asks after any reconnection.
   */
  private reconnectAll(): void {
    if (this.closing) return
    const connections = [...this.byUser.values()].flatMap((set) => [...set])
    this.log.warn({ sockets: connections.length }, 'real-time delivery was interrupted: asking the sockets to reconnect and sync')
    for (const connection of connections) {
      setTimeout(() => connection.close(1012, 'delivery was interrupted: reconnect and sync'), Math.random() * RECONNECT_SPREAD_MS).unref()
    }
  }

  kick(connection: Connection, reason: string): void {
    connection.send(JSON.stringify({ type: 'kick', reason }))
    connection.close(4001, reason)
  }

  /** Called per acknowledged frame; written by the next flush. */
  markDelivered(mark: DeliveryMark): void {
    const key = `${mark.conversationId}:${mark.userId}`
    const pending = this.delivered.get(key)
    if (!pending || pending.seq < mark.seq) this.delivered.set(key, mark)
  }

  /**
   * One statement per flush. A pair's mark is its DELIVERED status; a group member's mark only tells the push
   * worker whether the member's socket took the message in time, so it is written only for apps that push
   * (a group send to an app without push credentials costs no writes per member).
   */
  private async flushDelivered(): Promise<void> {
    const received = [...this.received]
    this.received.clear()
    for (const [taskId, count] of received) {
      await this.services.push.countMxpush(taskId, 0, count).catch((error) => this.log.warn({ err: error }, 'could not count a push task'))
    }
    const batch = [...this.delivered.values()]
    this.delivered.clear()
    if (batch.length === 0) return
    try {
      const pushing = new Map<string, boolean>()
      for (const mark of batch) {
        if (mark.kind === 2 && !pushing.has(mark.appId)) pushing.set(mark.appId, await this.services.pushCredentials.hasAny(mark.appId))
      }
      await this.services.messages.markDeliveredMany(batch.filter((mark) => mark.kind === 1 || pushing.get(mark.appId)))
    } catch (error) {
      this.log.warn({ err: error }, 'could not record deliveries')
    }
  }
}

/** The doorbell's message as a socket receives it: it is being delivered. */
function delivered(doorbell: MessageDoorbell): MessageItem {
  return { ...doorbell.item, status: 'DELIVERED' }
}

function addTo<K>(map: Map<K, Set<Connection>>, key: K, connection: Connection): void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(connection)
}

function removeFrom<K>(map: Map<K, Set<Connection>>, key: K, connection: Connection): void {
  const set = map.get(key)
  if (!set) return
  set.delete(connection)
  if (set.size === 0) map.delete(key)
}
