// Domain objects of messaging: content types, conversations as a user sees them, history items, and what the directories answer.
import type { Expression } from 'kysely'
import type { Db } from '../../platform/db.ts'

/** Message content types (semantics §5); 8 is unused. */
export const CONTENT_TYPES = {
  0: 'TEXT',
  1: 'IMAGE',
  2: 'AUDIO',
  3: 'VIDEO',
  4: 'FILE',
  5: 'LOCATION',
  6: 'COMMAND',
  7: 'FORWARD',
  9: 'READ_ACK',
  10: 'RECALL',
  11: 'APPEND',
  12: 'REPLACE',
} as const satisfies Record<number, string>

export const READ_ACK = 9
export const RECALL = 10
export const APPEND = 11
export const REPLACE = 12
/** Types that refer to another message through related_mid; they never count as unread. */
export const CONTROL_TYPES: readonly number[] = [READ_ACK, RECALL, APPEND, REPLACE]

/** Target type of a send: 1 users, 2 groups. */
export type TargetKind = 1 | 2

/** A conversation as one user names it: the other user (0 = the system) or the group. */
export interface ConversationRef {
  type: TargetKind
  id: number
}

export type MessageStatus = 'UNREAD' | 'DELIVERED' | 'READ'

/** What a sender writes: the content and the JSON strings kept as sent. */
export interface MessageBody {
  contentType: number
  content: string
  attachment: string
  config: string
  ext: string
  /** The message a READ_ACK / RECALL / APPEND / REPLACE refers to. */
  relatedMid: number | null
}

/** A stored message in the form of a history item (semantics §5), with its place in its conversation. */
export interface MessageItem extends MessageBody {
  msgId: number
  seq: number
  conversationId: number
  from: { uid: number; deviceSn: number }
  to: { uid: number }
  recalled: boolean
  /** Epoch ms. */
  timestamp: number
  status: MessageStatus
}

export interface HistoryPage {
  messages: MessageItem[]
  /** The msg_id_start of the next (older) page; 0 on the last page. */
  nextMsgId: number
  isLast: boolean
}

export interface ConversationSummary {
  conversation: ConversationRef
  /** conversations.id (internal; surfaces do not show it). */
  conversationId: number
  lastSeq: number
  readSeq: number
  unread: number
  /** Epoch ms of the newest message. */
  lastMessageAt: number
}

/** What a send stored, for the response and the doorbell. */
export interface SentMessage {
  msgIds: number[]
  /** False when the transaction_id was seen: nothing new was stored. */
  created: boolean
}

// ---- what messaging needs from groups and rosters (directories.ts answers from their services) ----

export interface GroupFacts {
  /** 0 normal, 1 dismissed. */
  status: 0 | 1
  /** The group's ban_expire_time: epoch seconds, -1 forever, 0 or past = no ban_all. */
  banAll: number
  historyVisible: boolean
  readAck: boolean
}

export interface GroupMembership {
  role: 'owner' | 'admin' | 'member'
  /** 0 none, 1 mute local notification, 2 do not receive. */
  muteMode: 0 | 1 | 2
  /** Epoch seconds; -1 forever; 0 or past = not banned. */
  bannedUntil: number
  /** Epoch ms of the (latest) join. */
  joinedAt: number
}

export interface GroupDirectory {
  group(appId: string, groupId: number): Promise<GroupFacts | null>
  /** The group and the user's membership of it (null when not a member), in one round trip; null when the app has no such group. */
  groupWithMembership(appId: string, groupId: number, userId: number): Promise<{ group: GroupFacts; membership: GroupMembership | null } | null>
  /** Members who receive the group's messages: msg_mute_mode other than 2. */
  deliveryMembers(appId: string, groupId: number): Promise<number[]>
  /** `deliveryMembers` as a subquery (built, not run) that messaging's own one-statement reads embed. */
  receivingMembersQuery(appId: string, groupId: number): Expression<{ user_id: number }>
  /**
   * As a subquery (built, not run): the live groups the user is a member of, each with visible_from, the epoch ms
   * from which its history shows to the user (0 with history_visible, else the join).
   */
  visibleGroupsQuery(appId: string, userId: number): Expression<{ group_id: number; visible_from: number }>
}

export interface FriendDirectory {
  /** False when `to` does not accept messages from `from` (blacklist); both are users of the app (asked after KnownUsers.require). */
  mayMessage(appId: string, from: number, to: number): Promise<boolean>
  /**
   * True for the built-in answer, the roster's blacklist rows: a one-to-one content send then reads them in its
   * own append statement instead of asking mayMessage first (one round trip fewer). Another directory is asked.
   */
  readonly inSendStatement?: boolean
}

// ---- what push asks of messaging, and how a send records its push work ----

/** A stored message as the push worker reads it. */
export interface PushableMessage {
  msgId: number
  conversationId: number
  /** Its place in the conversation: a recipient whose delivered mark reached it holds it. */
  seq: number
  /** 1 one-to-one, 2 group. */
  kind: 1 | 2
  senderId: number
  /** The user or group it was sent to. */
  targetId: number
  contentType: number
  content: string
  config: string
  recalled: boolean
}

/** Records a send's push work (one row per message) in the send's own transaction; the push module answers it. */
export interface PushRecorder {
  /** Whether this send can push at all (the app has push credentials): cheap, asked outside the transaction. */
  wants(appId: string, contentType: number): Promise<boolean>
  record(trx: Db, appId: string, messageIds: number[]): Promise<void>
}
