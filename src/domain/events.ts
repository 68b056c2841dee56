// The doorbells the domain rings on the bus: channel names and payloads, shared by the services that publish and the gateways that listen.
import type { Bus } from '../platform/bus.ts'
import type { MessageItem } from './messages/messages.types.ts'

/** Doorbell of a stored message: every process delivers it to its sockets of `recipients`. */
export const MESSAGES_CHANNEL = 'messages.new'
/** Doorbell of a read receipt. */
export const ACKS_CHANNEL = 'messages.ack'
/** Doorbell of group, roster and user notices just committed to the notice log. */
export const NOTICES_CHANNEL = 'notices.new'
/** A /push/notify task for the sockets of `recipients` (the `mxpush` channel). */
export const PUSH_TASKS_CHANNEL = 'push.task'
/** Revoked token ids (a JSON array of numbers), so every process can drop their sockets. */
export const TOKENS_REVOKED_CHANNEL = 'tokens.revoked'

/**
 * When the doorbell was rung: epoch ms on the publishing process's wall clock, for the publish-to-delivery lag
 * metric only (never a rule time). Doorbells of processes of an earlier version carry none; listeners of an
 * earlier version ignore it.
 */
interface Stamped {
  publishedAt?: number
}

export interface MessageDoorbell extends Stamped {
  appId: string
  conversationId: number
  kind: 1 | 2
  peerA: number
  peerB: number
  seq: number
  recipients: number[]
  item: Omit<MessageItem, 'status'>
}

export interface AckDoorbell extends Stamped {
  appId: string
  conversationId: number
  kind: 1 | 2
  peerA: number
  peerB: number
  /** Who read. */
  userId: number
  msgId: number
  seq: number
  recipients: number[]
}

/** New notices in the log for `recipients` (each process tells their connected devices to pull). */
export interface NoticeDoorbell extends Stamped {
  appId: string
  recipients: number[]
}

/** A /push/notify task for the sockets of `recipients` (the `mxpush` channel). */
export interface PushTaskDoorbell extends Stamped {
  appId: string
  taskId: number
  recipients: number[]
  /** The task's `message` as the app gave it. */
  message: Record<string, unknown>
}

/** What each channel carries. */
interface Doorbells {
  [MESSAGES_CHANNEL]: MessageDoorbell
  [ACKS_CHANNEL]: AckDoorbell
  [NOTICES_CHANNEL]: NoticeDoorbell
  [PUSH_TASKS_CHANNEL]: PushTaskDoorbell
  [TOKENS_REVOKED_CHANNEL]: number[]
}

/** Rings a doorbell: the payload, as JSON, to every process. */
export async function ring<C extends keyof Doorbells>(bus: Bus, channel: C, payload: Doorbells[C]): Promise<void> {
  // The wall clock, not the injected one: tests move ctx.now, and the lag is measured against the listener's wall clock.
  const stamped = Array.isArray(payload) ? payload : { ...payload, publishedAt: Date.now() }
  await bus.publish(channel, JSON.stringify(stamped))
}
