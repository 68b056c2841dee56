// Messaging use cases every surface calls: sending (sending.ts), reading and sync (reading.ts), read receipts (receipts.ts).
import type { Actor, UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type {
  ConversationRef,
  ConversationSummary,
  FriendDirectory,
  GroupDirectory,
  HistoryPage,
  MessageItem,
  PushableMessage,
  PushRecorder,
  SentMessage,
} from './messages.types.ts'
import { KnownUsers } from './known-users.ts'
import { Reading } from './reading.ts'
import { DeviceSync, type DevicePull, type DeviceRef } from './device-sync.ts'
import { Receipts } from './receipts.ts'
import { Sending, type SendInput } from './sending.ts'

export type { SendInput }

export class MessagesService {
  private readonly sending: Sending
  private readonly reading: Reading
  private readonly receipts: Receipts
  private readonly devices: DeviceSync

  constructor(ctx: DomainContext, groups: GroupDirectory, friends: FriendDirectory, accounts: AccountsService, push?: PushRecorder) {
    const users = new KnownUsers(accounts)
    this.reading = new Reading(ctx, groups, users)
    this.receipts = new Receipts(ctx, this.reading)
    this.devices = new DeviceSync(ctx, this.reading)
    this.sending = new Sending(ctx, groups, friends, accounts, users, this.receipts, push)
  }

  /** A user sends (a user token, or the admin token as `from_user_id` / header user_id); every rule applies. */
  send(actor: Actor, input: SendInput): Promise<SentMessage> {
    return this.sending.send(actor, input)
  }

  /** Admin: a system notification to users or groups, from `from_user_id` or from nobody (0); no friend or member rules. */
  notify(actor: Actor, input: SendInput): Promise<SentMessage> {
    return this.sending.notify(actor, input)
  }

  /** Retention: forgets transaction_id records older than the dedup window; returns how many. */
  purgeExpiredTransactions(): Promise<number> {
    return this.sending.purgeExpiredTransactions()
  }

  /** GET /message/conversation: newest first, from msg_id_start (inclusive; 0 = the newest). */
  history(actor: UserActor, ref: ConversationRef, msgIdStart: number, limit: number): Promise<HistoryPage> {
    return this.reading.history(actor, ref, msgIdStart, limit)
  }

  /** Messages after `afterSeq`, oldest first (the WebSocket `sync`). */
  sync(appId: string, userId: number, ref: ConversationRef, afterSeq: number, limit: number) {
    return this.reading.sync(appId, userId, ref, afterSeq, limit)
  }

  /** The messages of a conversation (by id) in (afterSeq, toSeq] that `userId` may see, oldest first: how a socket fills a gap. */
  catchUp(appId: string, userId: number, conversationId: number, afterSeq: number, toSeq: number, limit: number): Promise<MessageItem[]> {
    return this.reading.catchUp(appId, userId, conversationId, afterSeq, toSeq, limit)
  }

  /** Fire and forget from the sockets' point of view; a lost update only delays DELIVERED. */
  markDelivered(conversationId: number, userId: number, seq: number): Promise<void> {
    return this.reading.markDelivered(conversationId, userId, seq)
  }

  /** Many delivered marks in one statement (a real-time surface's batch: at most one per conversation and user). */
  markDeliveredMany(marks: Array<{ conversationId: number; userId: number; seq: number }>): Promise<void> {
    return this.reading.markDeliveredMany(marks)
  }

  /** Whether the user holds the message at `seq` of the conversation (a socket acknowledged it, or it was read). */
  hasDelivered(conversationId: number, userId: number, seq: number): Promise<boolean> {
    return this.reading.hasDelivered(conversationId, userId, seq)
  }

  /** GET /message/unread: the caller's conversations, newest first, with unread counts. */
  recent(actor: UserActor): Promise<ConversationSummary[]> {
    return this.reading.recent(actor)
  }

  /** DELETE /message/conversation: off the caller's list (and read) until a newer message arrives. */
  deleteConversation(actor: UserActor, ref: ConversationRef): Promise<void> {
    return this.reading.deleteConversation(actor, ref)
  }

  /** A stored message as push needs it (undefined when it does not exist in the app). */
  forPush(appId: string, msgId: number): Promise<PushableMessage | undefined> {
    return this.reading.forPush(appId, msgId)
  }

  /** The user's unread messages over every conversation: the badge a push shows. */
  unreadTotal(appId: string, userId: number): Promise<number> {
    return this.reading.unreadTotal(appId, userId)
  }

  /** GET /message/ack: the caller has read everything up to `msgId`. */
  ack(actor: UserActor, msgId: number, conversationId: number | undefined): Promise<void> {
    return this.receipts.ack(actor, msgId, conversationId)
  }

  /** xsync: the messages waiting for one device after its cursor (moved as the device acknowledges). */
  pullForDevice(actor: UserActor, device: DeviceRef, ref: ConversationRef, key: number, limit: number): Promise<DevicePull> {
    return this.devices.pull(actor, device, ref, key, limit)
  }

  /** xsync: the user's recent conversations with how many messages wait for this device in each. */
  waitingForDevice(actor: UserActor, device: DeviceRef) {
    return this.devices.waiting(actor, device)
  }
}
