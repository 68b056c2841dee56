// Reading: which conversations a user may read, history pages, sync and catch-up, statuses, the recent list, deletion from it.
import { DomainError } from '../errors.ts'
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { MessageRow } from '../../platform/tables.ts'
import {
  advanceState,
  advanceDelivered,
  findConversation,
  findConversationById,
  findMessage,
  findStates,
  listConversations,
  lowestReads,
  messagesAfter,
  pageBackwards,
  type ConversationKey,
} from './messages.repository.ts'
import type { ConversationRef, ConversationSummary, GroupDirectory, HistoryPage, MessageItem, MessageStatus, PushableMessage } from './messages.types.ts'
import { toItem } from './messages.mapping.ts'
import { conversationFor, groupKey, pairKey } from './conversation.ts'
import type { KnownUsers } from './known-users.ts'

const HISTORY_LIMIT_MAX = 100
const SYNC_LIMIT_MAX = 200
/** The recent-conversations list shows at most this many. */
const RECENT_LIMIT = 200

/** A resolved, permitted conversation for one reader. */
export interface Readable {
  key: ConversationKey
  conversation: { id: number; last_seq: number } | undefined
  /** Messages sent before this (ms) are hidden from the reader: a late joiner of a group without history_visible. */
  visibleFrom: number
  readAck: boolean
}

export class Reading {
  constructor(
    private readonly ctx: DomainContext,
    private readonly groups: GroupDirectory,
    private readonly users: KnownUsers,
  ) {}

  /** Resolves a conversation the reader may read; pairs need no membership, groups do. */
  async readable(appId: string, userId: number, ref: ConversationRef): Promise<Readable> {
    if (ref.type === 1) {
      if (ref.id === userId) throw new DomainError('BAD_PARAMETER', 'there is no conversation with yourself')
      if (ref.id !== 0) await this.users.require(appId, [ref.id])
      const key = pairKey(appId, userId, ref.id)
      return { key, conversation: await findConversation(this.ctx.db, key), visibleFrom: 0, readAck: true }
    }
    // One round trip for both: a history page of a group costs as many as a pair's.
    const found = await this.groups.groupWithMembership(appId, ref.id, userId)
    if (!found) throw new DomainError('GROUP_NOT_FOUND', `group ${ref.id} does not exist`)
    const { group, membership: member } = found
    if (!member) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${ref.id}`)
    const key = groupKey(appId, ref.id)
    return {
      key,
      conversation: await findConversation(this.ctx.db, key),
      visibleFrom: group.historyVisible ? 0 : member.joinedAt,
      readAck: group.readAck,
    }
  }

  /** GET /message/conversation: newest first, from msg_id_start (inclusive; 0 = the newest). */
  async history(actor: UserActor, ref: ConversationRef, msgIdStart: number, limit: number): Promise<HistoryPage> {
    const r = await this.readable(actor.appId, actor.userId, ref)
    if (!r.conversation) {
      if (msgIdStart !== 0) throw new DomainError('BAD_PARAMETER', `msg_id_start ${msgIdStart} is not a message of this conversation`)
      return { messages: [], nextMsgId: 0, isLast: true }
    }
    let fromSeq: number | null = null
    if (msgIdStart !== 0) {
      const start = await findMessage(this.ctx.db, actor.appId, msgIdStart)
      if (!start || start.conversation_id !== r.conversation.id)
        throw new DomainError('BAD_PARAMETER', `msg_id_start ${msgIdStart} is not a message of this conversation`)
      fromSeq = start.seq
    }
    const rows = await pageBackwards(this.ctx.db, r.conversation.id, fromSeq, Math.min(limit, HISTORY_LIMIT_MAX) + 1, r.visibleFrom)
    const page = rows.slice(0, limit)
    // Reading the newest page delivers it to the reader (told in the status it reads).
    const messages = await this.withStatus(actor.appId, r, page, fromSeq === null ? actor.userId : undefined)
    return { messages, nextMsgId: rows.length > limit ? rows[limit]!.id : 0, isLast: rows.length <= limit }
  }

  /** Messages after `afterSeq`, oldest first (the WebSocket `sync`). */
  async sync(appId: string, userId: number, ref: ConversationRef, afterSeq: number, limit: number) {
    return this.syncReadable(appId, userId, await this.readable(appId, userId, ref), afterSeq, limit)
  }

  /** sync() for a caller that has already asked readable() (an xsync pull): the same page without asking twice. */
  async syncReadable(appId: string, userId: number, r: Readable, afterSeq: number, limit: number) {
    if (!r.conversation) return { conversationId: 0, messages: [] as MessageItem[], lastSeq: 0, hasMore: false }
    const rows = await messagesAfter(this.ctx.db, r.conversation.id, afterSeq, Math.min(limit, SYNC_LIMIT_MAX) + 1, r.visibleFrom)
    const page = rows.slice(0, limit)
    return {
      conversationId: r.conversation.id,
      messages: await this.withStatus(appId, r, page, userId),
      lastSeq: Number(r.conversation.last_seq),
      hasMore: rows.length > limit,
    }
  }

  /**
   * The messages of a conversation (by id) in (afterSeq, toSeq] that `userId` may see, oldest first: how a
   * socket fills a gap between doorbells. Empty when the user is not (or no longer) part of it.
   */
  async catchUp(appId: string, userId: number, conversationId: number, afterSeq: number, toSeq: number, limit: number): Promise<MessageItem[]> {
    const conversation = await findConversationById(this.ctx.db, appId, conversationId)
    if (!conversation) return []
    let r: Readable
    try {
      r = await this.readable(appId, userId, conversationFor(conversation.kind, conversation.peer_a, conversation.peer_b, userId))
    } catch (error) {
      if (error instanceof DomainError) return []
      throw error
    }
    // Only a conversation the user is part of (a pair the user is in, a group the user belongs to).
    if (r.conversation?.id !== conversationId) return []
    const rows = await messagesAfter(this.ctx.db, conversationId, afterSeq, limit, r.visibleFrom, toSeq)
    return rows.map((row) => toItem(row, 'DELIVERED'))
  }

  /**
   * Status as the message's recipient(s) left it: read receipts of pairs, and of groups with read_ack.
   * `deliveredTo`: the reader now holds these rows; in a pair that marks them DELIVERED (one write, only when it moves).
   */
  private async withStatus(appId: string, r: Readable, rows: MessageRow[], deliveredTo?: number): Promise<MessageItem[]> {
    if (rows.length === 0 || !r.conversation) return []
    const conversationId = r.conversation.id
    if (r.key.kind === 1) {
      const states = new Map((await findStates(this.ctx.db, conversationId, [r.key.peerA, r.key.peerB])).map((s) => [s.user_id, s]))
      const newest = Math.max(...rows.map((row) => row.seq))
      const reader = deliveredTo === undefined ? undefined : states.get(deliveredTo)
      if (deliveredTo !== undefined && (reader?.delivered_seq ?? 0) < newest) {
        await this.markDelivered(conversationId, deliveredTo, newest)
        states.set(deliveredTo, {
          conversation_id: conversationId,
          user_id: deliveredTo,
          read_seq: reader?.read_seq ?? 0,
          hidden_seq: reader?.hidden_seq ?? 0,
          delivered_seq: newest,
        })
      }
      return rows.map((row) => {
        const recipient = states.get(row.sender_id === r.key.peerA ? r.key.peerB : r.key.peerA)
        const status: MessageStatus =
          recipient && recipient.read_seq >= row.seq ? 'READ' : recipient && recipient.delivered_seq >= row.seq ? 'DELIVERED' : 'UNREAD'
        return toItem(row, status)
      })
    }
    if (!r.readAck) return rows.map((row) => toItem(row, 'DELIVERED'))
    // READ once every other receiving member has read it: the two lowest read marks tell, whoever the sender,
    // and they come from one aggregate over the members in the database (a page costs the same at any size).
    const lowest = await lowestReads(this.ctx.db, conversationId, this.groups.receivingMembersQuery(appId, r.key.peerA))
    return rows.map((row) => {
      const others = lowest.filter((m) => m.userId !== row.sender_id)
      const minRead = others.length > 0 ? others[0]!.read : Infinity
      return toItem(row, minRead >= row.seq ? 'READ' : 'DELIVERED')
    })
  }

  /** Fire and forget from the sockets' point of view; a lost update only delays DELIVERED. */
  async markDelivered(conversationId: number, userId: number, seq: number): Promise<void> {
    await advanceState(this.ctx.db, conversationId, userId, { delivered: seq })
  }

  markDeliveredMany(marks: Array<{ conversationId: number; userId: number; seq: number }>): Promise<void> {
    return advanceDelivered(this.ctx.db, marks)
  }

  async hasDelivered(conversationId: number, userId: number, seq: number): Promise<boolean> {
    const [state] = await findStates(this.ctx.db, conversationId, [userId])
    return state !== undefined && Math.max(Number(state.delivered_seq), Number(state.read_seq)) >= seq
  }

  /** GET /message/unread: the caller's conversations, newest first, with unread counts (control messages and one's own excluded). */
  async recent(actor: UserActor): Promise<ConversationSummary[]> {
    return this.summaries(actor.appId, actor.userId)
  }

  private async summaries(appId: string, userId: number): Promise<ConversationSummary[]> {
    // One statement, however many conversations: dismissed groups and groups left are not in the subquery
    // (a dismissed group leaves the list; its history stays readable), and a late joiner without
    // history_visible counts only what was sent since the join.
    const rows = await listConversations(this.ctx.db, appId, userId, this.groups.visibleGroupsQuery(appId, userId), RECENT_LIMIT)
    return rows.map((row) => ({
      conversation: conversationFor(row.kind, row.peer_a, row.peer_b, userId),
      conversationId: row.id,
      lastSeq: row.last_seq,
      readSeq: row.read_seq,
      unread: row.unread,
      lastMessageAt: row.last_msg_at,
    }))
  }
  /** A stored message as push needs it. */
  async forPush(appId: string, msgId: number): Promise<PushableMessage | undefined> {
    const row = await findMessage(this.ctx.db, appId, msgId)
    if (!row) return undefined
    return {
      msgId: Number(row.id),
      conversationId: Number(row.conversation_id),
      seq: Number(row.seq),
      kind: row.kind === 2 ? 2 : 1,
      senderId: row.sender_id,
      targetId: row.target_id,
      contentType: row.content_type,
      content: row.content,
      config: row.config,
      recalled: row.recalled,
    }
  }

  /** The badge of a push: the unread counts /message/unread shows, summed (the same one query). */
  async unreadTotal(appId: string, userId: number): Promise<number> {
    return (await this.summaries(appId, userId)).reduce((sum, c) => sum + c.unread, 0)
  }

  /** DELETE /message/conversation: off the caller's list (and read) until a newer message arrives; nobody else is affected. */
  async deleteConversation(actor: UserActor, ref: ConversationRef): Promise<void> {
    const key = ref.type === 1 ? pairKey(actor.appId, actor.userId, ref.id) : groupKey(actor.appId, ref.id)
    const conversation = await findConversation(this.ctx.db, key)
    if (!conversation) throw new DomainError('BAD_PARAMETER', `you have no conversation with ${ref.type === 1 ? 'user' : 'group'} ${ref.id}`)
    if (key.kind === 1 && ref.id === actor.userId) throw new DomainError('BAD_PARAMETER', 'there is no conversation with yourself')
    const last = Number(conversation.last_seq)
    await advanceState(this.ctx.db, conversation.id, actor.userId, { read: last, hidden: last })
  }
}
