// Per-device sync (xsync): each device's cursor per conversation, pulls that move it, and per-device waiting counts.
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { cursorOf, cursorsOf, moveCursor } from './device-cursors.repository.ts'
import { findMessage, findStates } from './messages.repository.ts'
import type { ConversationRef, ConversationSummary, MessageItem } from './messages.types.ts'
import type { Reading } from './reading.ts'

/** The device a pull is for. */
export interface DeviceRef {
  deviceId: number
  deviceSn: number
}

export interface DevicePull {
  /** Oldest first; the device's own sends left out (it has them from its acks). */
  messages: MessageItem[]
  /** 0: that was all (the cursor is at the end); else the msg id to continue after. */
  nextKey: number
}

export class DeviceSync {
  constructor(
    private readonly ctx: DomainContext,
    private readonly reading: Reading,
  ) {}

  /**
   * Messages after the device's cursor (`key` > 0: the device holds everything up to that message, the cursor moves
   * there first). A first pull starts at the user's read mark. A batch that exhausts the conversation moves the
   * cursor to its end at once: the client never acknowledges its last batch (protocol.md §7a).
   */
  async pull(actor: UserActor, device: DeviceRef, ref: ConversationRef, key: number, limit: number): Promise<DevicePull> {
    const { appId, userId } = actor
    const r = await this.reading.readable(appId, userId, ref)
    if (!r.conversation) return { messages: [], nextKey: 0 }
    const conversationId = r.conversation.id
    let cursor = (await cursorOf(this.ctx.db, device.deviceId, conversationId)) ?? (await this.readMark(conversationId, userId))
    if (key > 0) {
      const held = await findMessage(this.ctx.db, appId, key)
      if (held && Number(held.conversation_id) === conversationId && held.seq > cursor) {
        cursor = held.seq
        await moveCursor(this.ctx.db, device.deviceId, conversationId, cursor)
      }
    }
    const page = await this.reading.syncReadable(appId, userId, r, cursor, limit)
    const last = page.messages.at(-1)
    // The device holds them: a group's delivered mark moves too (a pair's moved in sync), so the push worker's
    // acknowledgement window counts this delivery and does not push what a connected device already pulled.
    if (ref.type === 2 && last) await this.reading.markDelivered(conversationId, userId, last.seq)
    if (!page.hasMore) await moveCursor(this.ctx.db, device.deviceId, conversationId, Math.max(cursor, last?.seq ?? page.lastSeq))
    return {
      messages: page.messages.filter((m) => !(m.from.uid === userId && m.from.deviceSn === device.deviceSn)),
      nextKey: page.hasMore && last ? last.msgId : 0,
    }
  }

  /** The user's recent conversations (as GET /message/unread lists them) with how many messages wait for this device in each. */
  async waiting(actor: UserActor, device: DeviceRef): Promise<Array<{ conversation: ConversationRef; waiting: number }>> {
    const recent: ConversationSummary[] = await this.reading.recent(actor)
    const cursors = await cursorsOf(
      this.ctx.db,
      device.deviceId,
      recent.map((c) => c.conversationId),
    )
    // An upper bound (one's own and invisible messages count): a pull that finds nothing moves the cursor and sets it right.
    return recent.map((c) => ({ conversation: c.conversation, waiting: Math.max(0, c.lastSeq - (cursors.get(c.conversationId) ?? c.readSeq)) }))
  }

  private async readMark(conversationId: number, userId: number): Promise<number> {
    const [state] = await findStates(this.ctx.db, conversationId, [userId])
    return state ? Number(state.read_seq) : 0
  }
}
