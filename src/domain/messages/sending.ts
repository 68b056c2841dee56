// Sending: send and notify under every messaging rule, dedup by transaction_id, one sequence per conversation, then the doorbells.
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import {
  advanceState,
  appendMessage,
  claimTransaction,
  findMessage,
  markRecalled,
  purgeTransactions,
  recordTransaction,
  type ConversationKey,
  type NewMessage,
} from './messages.repository.ts'
import {
  CONTENT_TYPES,
  CONTROL_TYPES,
  READ_ACK,
  RECALL,
  type FriendDirectory,
  type GroupDirectory,
  type GroupMembership,
  type SentMessage,
  type PushRecorder,
  type TargetKind,
} from './messages.types.ts'
import { toItem } from './messages.mapping.ts'
import { groupKey, pairKey } from './conversation.ts'
import { banInForce, epochSeconds } from '../time.ts'
import { MESSAGES_CHANNEL, ring } from '../events.ts'
import type { KnownUsers } from './known-users.ts'
import { GroupCommit } from './group-commit.ts'
import type { Receipts } from './receipts.ts'

/** A repeated transaction_id within this window returns the first send's result. */
const DEDUP_WINDOW_MS = 24 * 3600 * 1000
/** A sender may recall its own message this long after sending it; group admins and the owner at any time. */
const RECALL_WINDOW_MS = 2 * 60 * 1000
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
  /** Whose transaction ids `transactionId` is one of: 0 or absent, the sender's; a devices.id for ids unique per device (xsync client_mid). */
  transactionScope?: number
  fromUserId?: number
}

interface Planned {
  key: ConversationKey
  message: NewMessage
  /** The recipient's blacklist is left to the append statement (group-commit.ts): not asked yet. */
  guarded?: boolean
  /** Groups: who receives (filled after commit). */
  groupId?: number
}

export class Sending {
  private readonly deviceSns = new Map<number, number>()
  private readonly batches: GroupCommit

  constructor(
    private readonly ctx: DomainContext,
    private readonly groups: GroupDirectory,
    private readonly friends: FriendDirectory,
    private readonly accounts: AccountsService,
    private readonly users: KnownUsers,
    private readonly receipts: Receipts,
    private readonly push?: PushRecorder,
  ) {
    this.batches = new GroupCommit(ctx.db, push, ctx.settings.sendBatchesInFlight)
  }

  /** A user sends (a user token, or the admin token as `from_user_id` / header user_id); every rule applies. */
  async send(actor: Actor, input: SendInput): Promise<SentMessage> {
    let senderId: number
    if (actor.isAdmin) {
      const from = actor.userId ?? input.fromUserId
      if (from === undefined) throw new DomainError('BAD_PARAMETER', 'with the admin token, name the sender in from_user_id')
      await this.users.require(actor.appId, [from])
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
    const plans =
      input.targetType === 1
        ? await this.planUserSends(actor.appId, senderId, targets, input)
        : await this.planGroupSends(actor.appId, senderId, targets, input)
    return this.store(actor.appId, senderId, senderSn, plans, input)
  }

  /** Admin: a system notification to users or groups, from `from_user_id` or from nobody (0); no friend or member rules. */
  async notify(actor: Actor, input: SendInput): Promise<SentMessage> {
    if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'notifications need the app admin token')
    const senderId = input.fromUserId ?? 0
    if (senderId !== 0) await this.users.require(actor.appId, [senderId])
    checkContentType(input.contentType, false)
    const targets = checkTargets(input.targets)
    let plans: Planned[]
    if (input.targetType === 1) {
      await this.users.require(actor.appId, targets)
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

  private async planUserSends(appId: string, senderId: number, targets: number[], input: SendInput): Promise<Planned[]> {
    if (targets.includes(senderId)) throw new DomainError('BAD_PARAMETER', 'a message cannot be sent to yourself')
    await this.users.require(appId, targets)
    const plans: Planned[] = []
    // One content message goes through the group commit, whose statement checks the blacklist itself.
    const guarded = this.friends.inSendStatement === true && targets.length === 1 && !CONTROL_TYPES.includes(input.contentType)
    for (const to of targets) {
      if (guarded) {
        plans.push({ key: pairKey(appId, senderId, to), message: newMessage(senderId, to, input), guarded })
        continue
      }
      if (!(await this.friends.mayMessage(appId, senderId, to))) throw new DomainError('IN_BLACKLIST', `user ${to} does not accept your messages`)
      const key = pairKey(appId, senderId, to)
      if (CONTROL_TYPES.includes(input.contentType)) await this.checkRelated(appId, key, senderId, input, null)
      plans.push({ key, message: newMessage(senderId, to, input) })
    }
    return plans
  }

  private async planGroupSends(appId: string, senderId: number, targets: number[], input: SendInput): Promise<Planned[]> {
    const plans: Planned[] = []
    const now = epochSeconds(this.ctx.now())
    for (const groupId of targets) {
      // The group and the sender's membership in one round trip.
      const found = await this.groups.groupWithMembership(appId, groupId, senderId)
      const group = found?.group
      if (!group || group.status !== 0) throw new DomainError('GROUP_NOT_FOUND', `group ${groupId} does not exist`)
      const member = found.membership
      if (!member) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${groupId}`)
      if (banInForce(member.bannedUntil, now)) throw new DomainError('NO_PERMISSION', `you are banned in group ${groupId}`)
      if (member.role === 'member' && banInForce(group.banAll, now)) {
        throw new DomainError('NEED_ADMIN', `group ${groupId} is muted (ban_all): only admins and the owner may send`)
      }
      if (input.contentType === READ_ACK && !group.readAck)
        throw new DomainError('BAD_PARAMETER', `group ${groupId} does not use read receipts (read_ack is off)`)
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
    if (CONTROL_TYPES.includes(related.content_type))
      throw new DomainError('BAD_PARAMETER', `related_mid ${input.relatedMid} is itself a ${CONTENT_TYPES[related.content_type as 9]} message`)
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
    // Asked before the transaction (the answer is cached): with no push credentials nothing is recorded.
    const pushing = this.push !== undefined && (await this.push.wants(appId, input.contentType))
    const transactionId = input.transactionId
    const scope = input.transactionScope ?? 0
    const dedupe =
      transactionId === undefined
        ? undefined
        : {
            key: `${appId}:${senderId}:${scope}:${transactionId}`,
            claim: (trx: Db) => claimTransaction(trx, appId, senderId, scope, transactionId, sentAt, sentAt - DEDUP_WINDOW_MS),
            record: (trx: Db, msgIds: number[]) => recordTransaction(trx, appId, senderId, scope, transactionId, msgIds),
          }
    // One content message: with the other sends in flight (group-commit.ts).
    if (plans.length === 1 && !CONTROL_TYPES.includes(input.contentType)) {
      const plan = plans[0]!
      const message = { ...plan.message, senderDeviceSn: senderSn, sentAt }
      const committed = await this.batches.submit(plan.key, { message, guarded: plan.guarded, dedupe, pushing })
      if ('first' in committed) return this.deduplicated(committed.first)
      const ringing = this.ringDoorbells(appId, senderId, [{ plan, message, appended: committed.appended }]).catch(() => {})
      // A pair's doorbell is rung (committed first) but not waited for: nothing the answer says depends on Redis
      // taking it, and it is published at once, in the order of the sends. A group's waits: its members are
      // looked up first, and the sender's next message must not overtake this one on the members' sockets.
      if (plan.groupId !== undefined) await ringing
      return { msgIds: [committed.appended.id], created: true }
    }
    const result = await inTransaction(this.ctx.db, async (trx: Db) => {
      const first = await dedupe?.claim(trx)
      if (first) return { first, stored: [] }
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
      await dedupe?.record(
        trx,
        stored.map((s) => s.appended.id),
      )
      // The push work is part of the send: it commits (or rolls back) with the messages.
      if (pushing)
        await this.push?.record(
          trx,
          appId,
          stored.map((s) => s.appended.id),
        )
      return { first: undefined, stored }
    })
    if (result.first) return this.deduplicated(result.first)

    // Committed: now tell every process. The send has succeeded whatever happens to the doorbells
    // (the bus down, a directory failing): a lost doorbell is what the clients' sync catches up.
    await this.ringDoorbells(appId, senderId, result.stored).catch(() => {})
    return { msgIds: result.stored.map((s) => s.appended.id), created: true }
  }

  private deduplicated(msgIds: number[]): SentMessage {
    this.ctx.metrics.sendDeduplicated()
    return { msgIds, created: false }
  }

  private async ringDoorbells(
    appId: string,
    senderId: number,
    stored: Array<{
      plan: Planned
      message: NewMessage
      appended: { id: number; seq: number; conversation_id: number }
      ack?: { previousRead: number; read: number }
    }>,
  ): Promise<void> {
    for (const { plan, message, appended, ack } of stored) {
      const recipients =
        plan.groupId !== undefined ? [...new Set([...(await this.groups.deliveryMembers(appId, plan.groupId)), senderId])] : [plan.key.peerA, plan.key.peerB]
      const item = toItem(
        {
          id: appended.id,
          seq: appended.seq,
          conversation_id: appended.conversation_id,
          sender_id: senderId,
          sender_device_sn: message.senderDeviceSn,
          target_id: message.targetId,
          content_type: message.contentType,
          content: message.content,
          attachment: message.attachment,
          config: message.config,
          ext: message.ext,
          related_mid: message.relatedMid,
          recalled: false,
          sent_at: message.sentAt,
        },
        'DELIVERED',
      )
      const { status: _status, ...bare } = item
      await ring(this.ctx.bus, MESSAGES_CHANNEL, {
        appId,
        conversationId: appended.conversation_id,
        kind: plan.key.kind,
        peerA: plan.key.peerA,
        peerB: plan.key.peerB,
        seq: appended.seq,
        recipients: recipients.filter((id) => id !== 0),
        item: bare,
      })
      if (ack && ack.read > ack.previousRead) {
        await this.receipts.announce(appId, { id: appended.conversation_id, ...plan.key }, senderId, message.relatedMid!, ack)
      }
    }
  }

  /** Retention: forgets transaction_id records older than the dedup window; returns how many. */
  async purgeExpiredTransactions(): Promise<number> {
    return purgeTransactions(this.ctx.db, this.ctx.now() - DEDUP_WINDOW_MS)
  }

  private async deviceSn(deviceId: number): Promise<number> {
    let sn = this.deviceSns.get(deviceId)
    if (sn === undefined) {
      sn = await this.accounts.deviceSn(deviceId)
      // A device keeps its number for life; the cache is bounded all the same.
      if (this.deviceSns.size > 10_000) this.deviceSns.clear()
      this.deviceSns.set(deviceId, sn)
    }
    return sn
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
    senderId,
    senderDeviceSn: 0,
    targetId,
    contentType: input.contentType,
    content: input.content ?? '',
    attachment: input.attachment ?? '',
    config: input.config ?? '',
    ext: input.ext ?? '',
    relatedMid: CONTROL_TYPES.includes(input.contentType) ? (input.relatedMid ?? null) : null,
    sentAt: 0,
  }
}
