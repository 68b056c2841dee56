// How conversations are keyed in storage (a pair by its two users, a group by its id) and named by one of their users.
import type { ConversationKey } from './messages.repository.ts'
import type { ConversationRef } from './messages.types.ts'

/** The conversation as `userId` names it: the other user of a pair, or the group. */
export function conversationFor(kind: 1 | 2, peerA: number, peerB: number, userId: number): ConversationRef {
  return kind === 2 ? { type: 2, id: peerA } : { type: 1, id: peerA === userId ? peerB : peerA }
}

export function pairKey(appId: string, a: number, b: number): ConversationKey {
  return { appId, kind: 1, peerA: Math.min(a, b), peerB: Math.max(a, b) }
}

export function groupKey(appId: string, groupId: number): ConversationKey {
  return { appId, kind: 2, peerA: groupId, peerB: 0 }
}
