// Read receipts: a reader marks a conversation read up to a message, and who should see READ is told.
import { DomainError } from '../errors.ts'
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { advanceState, findMessage, sendersBetween, type ConversationKey } from './messages.repository.ts'
import { conversationFor } from './conversation.ts'
import { ACKS_CHANNEL, ring } from '../events.ts'
import type { Reading } from './reading.ts'

export class Receipts {
  constructor(
    private readonly ctx: DomainContext,
    private readonly reading: Reading,
  ) {}

  /**
   * GET /message/ack: the caller has read everything up to `msgId`. `conversationId`, when given, must be
   * the conversation of that message as the caller names it (the other user, or the group).
   */
  async ack(actor: UserActor, msgId: number, conversationId: number | undefined): Promise<void> {
    const { appId, userId } = actor
    const message = await findMessage(this.ctx.db, appId, msgId)
    if (!message) throw new DomainError('BAD_PARAMETER', `message ${msgId} does not exist`)
    const ref = conversationFor(message.kind, message.peer_a, message.peer_b, userId)
    if (message.kind === 1 && message.peer_a !== userId && message.peer_b !== userId) {
      throw new DomainError('NO_PERMISSION', `message ${msgId} is not in one of your conversations`)
    }
    if (conversationId !== undefined && conversationId !== ref.id) {
      throw new DomainError('BAD_PARAMETER', `message ${msgId} is not in conversation ${conversationId}`)
    }
    const r = await this.reading.readable(appId, userId, ref)
    if (message.sent_at < r.visibleFrom) throw new DomainError('NO_PERMISSION', `message ${msgId} was sent before you joined group ${ref.id}`)
    const marks = await advanceState(this.ctx.db, message.conversation_id, userId, { read: message.seq })
    if (marks.read > marks.previousRead) {
      await this.announce(appId, { id: message.conversation_id, ...r.key }, userId, msgId, marks, r.readAck)
    }
  }

  /** Tells the reader's other sockets, and whoever should see READ: the other user of a pair, or (read_ack) the senders. */
  async announce(
    appId: string,
    conversation: ConversationKey & { id: number },
    userId: number,
    msgId: number,
    marks: { previousRead: number; read: number },
    readAck = true,
  ): Promise<void> {
    const others =
      conversation.kind === 1
        ? [conversation.peerA, conversation.peerB]
        : readAck
          ? await sendersBetween(this.ctx.db, conversation.id, marks.previousRead, marks.read, userId)
          : []
    await ring(this.ctx.bus, ACKS_CHANNEL, {
      appId,
      conversationId: conversation.id,
      kind: conversation.kind,
      peerA: conversation.peerA,
      peerB: conversation.peerB,
      userId,
      msgId,
      seq: marks.read,
      recipients: [...new Set([userId, ...others])].filter((id) => id !== 0),
    })
  }
}
