// Messaging use cases: send and notify (rules, dedup, one sequence per conversation), history, recent list, read receipts, deletion, catch-up.
import { DomainError } from '../errors.ts'
import type { Actor, UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { Db } from '../../platform/db.ts'
import type { MessageRow } from '../../platform/tables.ts'
import {
  advanceState, appendMessage, claimTransaction, countUnread, deviceSn, existingUsers, findConversation, findConversationById,
  findMessage, findStates, listConversations, markRecalled, messagesAfter, pageBackwards, purgeTransactions, recordTransaction, sendersBetween,
  type ConversationKey, type NewMessage,
} from './messages.repository.ts'
import {
  CONTENT_TYPES, CONTROL_TYPES, READ_ACK, RECALL, type ConversationRef, type ConversationSummary, type FriendDirectory,
  type GroupDirectory, type GroupMembership, type HistoryPage, type MessageItem, type MessageStatus, type SentMessage, type TargetKind,
} from './messages.types.ts'
import { toItem } from './messages.mapping.ts'
import { conversationFor, groupKey, pairKey } from './conversation.ts'
import { ACKS_CHANNEL, MESSAGES_CHANNEL, type AckDoorbell, type MessageDoorbell } from '../events.ts'

/** A repeated transaction_id within this window returns the first send's result. */
const DEDUP_WINDOW_MS = 24 * 3600 * 1000
/** A sender may recall its own message this long after sending it; group admins and the owner at any time. */
const RECALL_WINDOW_MS = 2 * 60 * 1000
const HISTORY_LIMIT_MAX = 100
const SYNC_LIMIT_MAX = 200
/** The recent-conversations list shows at most this many. */
const RECENT_LIMIT = 200
const TARGETS_MAX = 100

export interface SendInput {
  targetType: TargetKind
  targets: number[]
  contentType: number
  content?: string
  attachment?: string
  config?: string
  ext?: string
  relatedMid?: number
  transactionId?: number
  fromUserId?: number
}

function inForce(untilSeconds: number, nowSeconds: number): boolean {
  return untilSeconds === -1 || untilSeconds > nowSeconds
}

/** A resolved, permitted conversation for one reader. */
interface Readable {
  key: ConversationKey
  conversation: { id: number; last_seq: number } | undefined
  /** Messages sent before this (ms) are hidden from the reader: a late joiner of a group without history_visible. */
  visibleFrom: number
  readAck: boolean
}

interface Planned {
  key: ConversationKey
  message: NewMessage
  /** Groups: who receives (filled after commit). */
  groupId?: number
}

export class MessagesService {
  private readonly deviceSns = new Map<number, number>()
  private readonly knownUsers = new Set<string>()

  constructor(
    private readonly ctx: DomainContext,
    private readonly groups: GroupDirectory,
    private readonly friends: FriendDirectory,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.ctx.now() / 1000)
  }

  // ---- sending ----

  /** A user sends (a user token, or the admin token as `from_user_id` / header user_id); every rule applies. */
  async send(actor: Actor, input: SendInput): Promise<SentMessage> {
    let senderId: number
    if (actor.isAdmin) {
      const from = actor.userId ?? input.fromUserId
      if (from === undefined) throw new DomainError('BAD_PARAMETER', 'with the admin token, name the sender in from_user_id')
      await this.requireUsers(actor.appId, [from])
      senderId = from
    } else {
      if (input.fromUserId !== undefined && input.fromUserId !== actor.userId) {
        throw new DomainError('NO_PERMISSION', 'from_user_id must be yourself; only the admin token sends as another user')
      }
      senderId = actor.userId!
    }
    checkContentType(input.contentType, true)
    const targets = checkTargets(input.targets)
    const senderSn = !actor.isAdmin && actor.deviceId !== null ? await this.deviceSn(actor.deviceId) : 0
    const plans = input.targetType === 1
      ? await this.planUserSends(actor.appId, senderId, targets, input)
      : await this.planGroupSends(actor.appId, senderId, targets, input)
    return this.store(actor.appId, senderId, senderSn, plans, input)
  }

  /** Admin: a system notification to users or groups, from `from_user_id` or from nobody (0); no friend or member rules. */
  async notify(actor: Actor, input: SendInput): Promise<SentMessage> {
    if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'notifications need the app admin token')
    const senderId = input.fromUserId ?? 0
    if (senderId !== 0) await this.requireUsers(actor.appId, [senderId])
    checkContentType(input.contentType, false)
    const targets = checkTargets(input.targets)
    let plans: Planned[]
    if (input.targetType === 1) {
      await this.requireUsers(actor.appId, targets)
      if (targets.includes(senderId)) throw new DomainError('BAD_PARAMETER', 'a notification cannot go to its own sender')
      plans = targets.map((to) => ({ key: pairKey(actor.appId, senderId, to), message: newMessage(senderId, to, input) }))
    } else {
      plans = []
      for (const groupId of targets) {
        const group = await this.groups.group(actor.appId, groupId)
        if (!group || group.status !== 0) throw new DomainError('GROUP_NOT_FOUND', `group ${groupId} does not exist`)
        plans.push({ key: groupKey(actor.appId, groupId), message: newMessage(senderId, groupId, input), groupId })
      }
    }
    return this.store(actor.appId, senderId, 0, plans, input)
  }

  /** Users are never deleted, so a user once found is remembered (bounded): a send costs no lookup for known users. */
  private async requireUsers(appId: string, ids: number[]): Promise<void> {
    const unknown = ids.filter((id) => !this.knownUsers.has(`${appId}:${id}`))
    if (unknown.length === 0) return
    const found = await existingUsers(this.ctx.db, appId, unknown)
    const missing = unknown.find((id) => !found.has(id))
    if (missing !== undefined) throw new DomainError('USER_NOT_FOUND', `user ${missing} does not exist`)
    if (this.knownUsers.size > 100_000) this.knownUsers.clear()
    for (const id of unknown) this.knownUsers.add(`${appId}:${id}`)
  }

  private async planUserSends(appId: string, senderId: number, targets: number[], input: SendInput): Promise<Planned[]> {
    if (targets.includes(senderId)) throw new DomainError('BAD_PARAMETER', 'a message cannot be sent to yourself')
    await this.requireUsers(appId, targets)
    const plans: Planned[] = []
    for (const to of targets) {
      if (!(await this.friends.mayMessage(appId, senderId, to))) throw new DomainError('IN_BLACKLIST', `user ${to} does not accept your messages`)
      const key = pairKey(appId, senderId, to)
      if (CONTROL_TYPES.includes(input.contentType)) await this.checkRelated(appId, key, senderId, input, null)
      plans.push({ key, message: newMessage(senderId, to, input) })
    }
    return plans
  }

  private async planGroupSends(appId: string, senderId: number, targets: number[], input: SendInput): Promise<Planned[]> {
    const plans: Planned[] = []
    const now = this.nowSeconds()
    for (const groupId of targets) {
      const group = await this.groups.group(appId, groupId)
      if (!group || group.status !== 0) throw new DomainError('GROUP_NOT_FOUND', `group ${groupId} does not exist`)
      const member = await this.groups.membership(appId, groupId, senderId)
      if (!member) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${groupId}`)
      if (inForce(member.bannedUntil, now)) throw new DomainError('NO_PERMISSION', `you are banned in group ${groupId}`)
      if (member.role === 'member' && inForce(group.banAll, now)) {
        throw new DomainError('NEED_ADMIN', `group ${groupId} is muted (ban_all): only admins and the owner may send`)
      }
      if (input.contentType === READ_ACK && !group.readAck) throw new DomainError('BAD_PARAMETER', `group ${groupId} does not use read receipts (read_ack is off)`)
      const key = groupKey(appId, groupId)
      if (CONTROL_TYPES.includes(input.contentType)) await this.checkRelated(appId, key, senderId, input, member)
      plans.push({ key, message: newMessage(senderId, groupId, input), groupId })
    }
    return plans
  }

  /** related_mid of READ_ACK / RECALL / APPEND / REPLACE: a message of this conversation the sender may refer to so. */
  private async checkRelated(appId: string, key: ConversationKey, senderId: number, input: SendInput, member: GroupMembership | null): Promise<void> {
    if (input.relatedMid === undefined) throw new DomainError('BAD_PARAMETER', `related_mid is required with content_type ${input.contentType}`)
    const related = await findMessage(this.ctx.db, appId, input.relatedMid)
    if (!related || related.kind !== key.kind || related.peer_a !== key.peerA || related.peer_b !== key.peerB) {
      throw new DomainError('BAD_PARAMETER', `related_mid ${input.relatedMid} is not a message of this conversation`)
    }
    if (CONTROL_TYPES.includes(related.content_type)) throw new DomainError('BAD_PARAMETER', `related_mid ${input.relatedMid} is itself a ${CONTENT_TYPES[related.content_type as 9]} message`)
    if (related.recalled) throw new DomainError('BAD_PARAMETER', `message ${input.relatedMid} was recalled`)
    const own = related.sender_id === senderId
    if (input.contentType === READ_ACK) {
      if (own) throw new DomainError('BAD_PARAMETER', 'a read receipt is for a message someone else sent')
      return
    }
    if (input.contentType === RECALL) {
      const groupAdmin = member !== null && member.role !== 'member'
      if (groupAdmin) return
      if (!own) throw new DomainError('NO_PERMISSION', 'only the sender (or a group admin) may recall a message')
      if (this.ctx.now() - related.sent_at > RECALL_WINDOW_MS) {
        throw new DomainError('NO_PERMISSION', `a message can be recalled within ${RECALL_WINDOW_MS / 60000} minutes of sending`)
      }
      return
    }
    if (!own) throw new DomainError('NO_PERMISSION', 'only the sender may append to or replace a message')
  }

  /** One transaction: claim the transaction_id, append each message, apply receipts and recalls; then ring the doorbells. */
  private async store(appId: string, senderId: number, senderSn: number, plans: Planned[], input: SendInput): Promise<SentMessage> {
    const sentAt = this.ctx.now()
    const work = async (trx: Db) => {
      if (input.transactionId !== undefined) {
        const first = await claimTransaction(trx, appId, senderId, input.transactionId, sentAt, sentAt - DEDUP_WINDOW_MS)
        if (first) return { first, stored: [] }
      }
      const stored = []
      // Conversation rows are locked in one order by every send, so two multi-target sends cannot deadlock.
      for (const plan of [...plans].sort((x, y) => x.key.kind - y.key.kind || x.key.peerA - y.key.peerA || x.key.peerB - y.key.peerB)) {
        const message = { ...plan.message, senderDeviceSn: senderSn, sentAt }
        const appended = await appendMessage(trx, plan.key, message)
        if (message.contentType === RECALL) await markRecalled(trx, message.relatedMid!)
        let ack: { previousRead: number; read: number } | undefined
        if (message.contentType === READ_ACK) {
          const related = await findMessage(trx, appId, message.relatedMid!)
          ack = await advanceState(trx, appended.conversation_id, senderId, { read: related!.seq })
        }
        stored.push({ plan, message, appended, ack })
      }
      // Answer in the order of the targets.
      stored.sort((x, y) => plans.indexOf(x.plan) - plans.indexOf(y.plan))
      if (input.transactionId !== undefined) await recordTransaction(trx, appId, senderId, input.transactionId, stored.map((s) => s.appended.id))
      return { first: undefined, stored }
    }
    // A single message without dedup is one statement: atomic on its own, and one round trip.
    const result = plans.length === 1 && input.transactionId === undefined && !CONTROL_TYPES.includes(input.contentType)
      ? await work(this.ctx.db)
      : await inTransaction(this.ctx.db, work)
    if (result.first) return { msgIds: result.first, created: false }

    // Committed: now tell every process. The send has succeeded whatever happens to the doorbells
    // (the bus down, a directory failing): a lost doorbell is what the clients' sync catches up.
    await this.ringDoorbells(appId, senderId, result.stored).catch(() => {})
    return { msgIds: result.stored.map((s) => s.appended.id), created: true }
  }

  private async ringDoorbells(
    appId: string, senderId: number,
    stored: Array<{ plan: Planned; message: NewMessage; appended: { id: number; seq: number; conversation_id: number }; ack?: { previousRead: number; read: number } }>,
  ): Promise<void> {
    for (const { plan, message, appended, ack } of stored) {
      const recipients = plan.groupId !== undefined
        ? [...new Set([...(await this.groups.deliveryMembers(appId, plan.groupId)), senderId])]
        : [plan.key.peerA, plan.key.peerB]
      const item = toItem({
        id: appended.id, seq: appended.seq, conversation_id: appended.conversation_id, sender_id: senderId, sender_device_sn: message.senderDeviceSn,
        target_id: message.targetId, content_type: message.contentType, content: message.content, attachment: message.attachment,
        config: message.config, ext: message.ext, related_mid: message.relatedMid, recalled: false, sent_at: message.sentAt,
      }, 'DELIVERED')
      const { status: _status, ...bare } = item
      await this.publish(MESSAGES_CHANNEL, {
        appId, conversationId: appended.conversation_id, kind: plan.key.kind, peerA: plan.key.peerA, peerB: plan.key.peerB,
        seq: appended.seq, recipients: recipients.filter((id) => id !== 0), item: bare,
      } satisfies MessageDoorbell)
      if (ack && ack.read > ack.previousRead) {
        await this.announceAck(appId, { id: appended.conversation_id, ...plan.key }, senderId, message.relatedMid!, ack)
      }
    }
  }

  private async publish(channel: string, payload: MessageDoorbell | AckDoorbell): Promise<void> {
    await this.ctx.bus.publish(channel, JSON.stringify(payload))
  }

  /** Retention: forgets transaction_id records older than the dedup window; returns how many. */
  async purgeExpiredTransactions(): Promise<number> {
    return purgeTransactions(this.ctx.db, this.ctx.now() - DEDUP_WINDOW_MS)
  }

  private async deviceSn(deviceId: number): Promise<number> {
    let sn = this.deviceSns.get(deviceId)
    if (sn === undefined) {
      sn = await deviceSn(this.ctx.db, deviceId)
      // A device keeps its number for life; the cache is bounded all the same.
      if (this.deviceSns.size > 10_000) this.deviceSns.clear()
      this.deviceSns.set(deviceId, sn)
    }
    return sn
  }

  // ---- reading ----

  /** Resolves a conversation the reader may read; pairs need no membership, groups do. */
  private async readable(appId: string, userId: number, ref: ConversationRef): Promise<Readable> {
    if (ref.type === 1) {
      if (ref.id === userId) throw new DomainError('BAD_PARAMETER', 'there is no conversation with yourself')
      if (ref.id !== 0) await this.requireUsers(appId, [ref.id])
      const key = pairKey(appId, userId, ref.id)
      return { key, conversation: await findConversation(this.ctx.db, key), visibleFrom: 0, readAck: true }
    }
    const group = await this.groups.group(appId, ref.id)
    if (!group) throw new DomainError('GROUP_NOT_FOUND', `group ${ref.id} does not exist`)
    const member = await this.groups.membership(appId, ref.id, userId)
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
      if (!start || start.conversation_id !== r.conversation.id) throw new DomainError('BAD_PARAMETER', `msg_id_start ${msgIdStart} is not a message of this conversation`)
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
    const r = await this.readable(appId, userId, ref)
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
        states.set(deliveredTo, { conversation_id: conversationId, user_id: deliveredTo, read_seq: reader?.read_seq ?? 0, hidden_seq: reader?.hidden_seq ?? 0, delivered_seq: newest })
      }
      return rows.map((row) => {
        const recipient = states.get(row.sender_id === r.key.peerA ? r.key.peerB : r.key.peerA)
        const status: MessageStatus = recipient && recipient.read_seq >= row.seq ? 'READ'
          : recipient && recipient.delivered_seq >= row.seq ? 'DELIVERED' : 'UNREAD'
        return toItem(row, status)
      })
    }
    if (!r.readAck) return rows.map((row) => toItem(row, 'DELIVERED'))
    // READ once every other receiving member has read it.
    const members = await this.groups.deliveryMembers(appId, r.key.peerA)
    const reads = new Map((await findStates(this.ctx.db, conversationId, members)).map((s) => [s.user_id, Number(s.read_seq)]))
    const lowest = members.map((id) => ({ id, read: reads.get(id) ?? 0 })).sort((a, b) => a.read - b.read).slice(0, 2)
    return rows.map((row) => {
      const others = lowest.filter((m) => m.id !== row.sender_id)
      const minRead = others.length > 0 ? others[0]!.read : Infinity
      return toItem(row, minRead >= row.seq ? 'READ' : 'DELIVERED')
    })
  }

  /** Fire and forget from the sockets' point of view; a lost update only delays DELIVERED. */
  async markDelivered(conversationId: number, userId: number, seq: number): Promise<void> {
    await advanceState(this.ctx.db, conversationId, userId, { delivered: seq })
  }

  /** GET /message/unread: the caller's conversations, newest first, with unread counts (control messages and one's own excluded). */
  async recent(actor: UserActor): Promise<ConversationSummary[]> {
    const { appId, userId } = actor
    const groupIds = await this.groups.groupsOf(appId, userId)
    const rows = await listConversations(this.ctx.db, appId, userId, groupIds, RECENT_LIMIT)
    const summaries: ConversationSummary[] = []
    for (const row of rows) {
      let visibleFrom = 0
      if (row.kind === 2) {
        const [group, member] = await Promise.all([this.groups.group(appId, row.peer_a), this.groups.membership(appId, row.peer_a, userId)])
        // A dismissed group leaves the list; its history stays readable.
        if (!group || !member || group.status !== 0) continue
        if (!group.historyVisible) visibleFrom = member.joinedAt
      }
      const seen = Math.max(Number(row.read_seq), Number(row.hidden_seq))
      summaries.push({
        conversation: conversationFor(row.kind, row.peer_a, row.peer_b, userId),
        lastSeq: Number(row.last_seq),
        readSeq: Number(row.read_seq),
        unread: await countUnread(this.ctx.db, row.id, userId, seen, visibleFrom),
        lastMessageAt: Number(row.last_msg_at),
      })
    }
    return summaries
  }

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
    const r = await this.readable(appId, userId, ref)
    if (message.sent_at < r.visibleFrom) throw new DomainError('NO_PERMISSION', `message ${msgId} was sent before you joined group ${ref.id}`)
    const marks = await advanceState(this.ctx.db, message.conversation_id, userId, { read: message.seq })
    if (marks.read > marks.previousRead) {
      await this.announceAck(appId, { id: message.conversation_id, ...r.key }, userId, msgId, marks, r.readAck)
    }
  }

  /** Tells the reader's other sockets, and whoever should see READ: the other user of a pair, or (read_ack) the senders. */
  private async announceAck(
    appId: string, conversation: ConversationKey & { id: number }, userId: number, msgId: number,
    marks: { previousRead: number; read: number }, readAck = true,
  ): Promise<void> {
    const others = conversation.kind === 1
      ? [conversation.peerA, conversation.peerB]
      : readAck ? await sendersBetween(this.ctx.db, conversation.id, marks.previousRead, marks.read, userId) : []
    await this.publish(ACKS_CHANNEL, {
      appId, conversationId: conversation.id, kind: conversation.kind, peerA: conversation.peerA, peerB: conversation.peerB,
      userId, msgId, seq: marks.read, recipients: [...new Set([userId, ...others])].filter((id) => id !== 0),
    } satisfies AckDoorbell)
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

function checkContentType(contentType: number, controlAllowed: boolean): void {
  const known = Object.hasOwn(CONTENT_TYPES, contentType)
  if (!known || (!controlAllowed && CONTROL_TYPES.includes(contentType))) {
    throw new DomainError('BAD_PARAMETER', `content_type must be one of ${controlAllowed ? '0–7, 9–12' : '0–7'}`)
  }
}

function checkTargets(targets: number[]): number[] {
  const unique = [...new Set(targets)]
  if (unique.length === 0) throw new DomainError('BAD_PARAMETER', 'targets must name at least one user or group')
  if (unique.length > TARGETS_MAX) throw new DomainError('BAD_PARAMETER', `at most ${TARGETS_MAX} targets per send`)
  return unique
}

function newMessage(senderId: number, targetId: number, input: SendInput): NewMessage {
  return {
    senderId, senderDeviceSn: 0, targetId, contentType: input.contentType,
    content: input.content ?? '', attachment: input.attachment ?? '', config: input.config ?? '', ext: input.ext ?? '',
    relatedMid: CONTROL_TYPES.includes(input.contentType) ? input.relatedMid ?? null : null,
    sentAt: 0,
  }
}
