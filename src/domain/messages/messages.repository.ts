// Queries of messaging: append under the conversation's row lock, history and catch-up by sequence, read state, send dedup.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import { deleteInBatches } from '../../platform/purge.ts'
import type { MessageRow } from '../../platform/tables.ts'
import { CONTROL_TYPES, type MessageBody } from './messages.types.ts'

export interface ConversationKey {
  appId: string
  kind: 1 | 2
  peerA: number
  peerB: number
}

export interface NewMessage extends MessageBody {
  senderId: number
  senderDeviceSn: number
  targetId: number
  sentAt: number
}

export interface Appended { id: number; seq: number; conversation_id: number }

/**
 * One statement: create the conversation or bump its last_seq (taking its row lock until commit),
 * then insert the message with that number. A rolled-back send leaves the number unused, and the
 * next send takes it: the sequence never has gaps.
 */
export async function appendMessage(db: Db, key: ConversationKey, m: NewMessage): Promise<Appended> {
  const result = await sql<Appended>`
    with c as (
      insert into conversations (app_id, kind, peer_a, peer_b, last_seq, last_msg_at)
      values (${key.appId}, ${key.kind}, ${key.peerA}, ${key.peerB}, 1, ${m.sentAt})
      on conflict (app_id, kind, peer_a, peer_b)
      do update set last_seq = conversations.last_seq + 1, last_msg_at = excluded.last_msg_at
      returning id, last_seq
    )
    insert into messages (conversation_id, seq, sender_id, sender_device_sn, target_id, content_type, content, attachment, config, ext, related_mid, sent_at)
    select c.id, c.last_seq, ${m.senderId}, ${m.senderDeviceSn}, ${m.targetId}, ${m.contentType}, ${m.content}, ${m.attachment}, ${m.config}, ${m.ext}, ${m.relatedMid}, ${m.sentAt}
    from c
    returning id, seq, conversation_id`.execute(db)
  const row = result.rows[0]!
  return { id: Number(row.id), seq: Number(row.seq), conversation_id: Number(row.conversation_id) }
}

export async function findConversation(db: Db, key: ConversationKey) {
  return db.selectFrom('conversations').selectAll()
    .where('app_id', '=', key.appId).where('kind', '=', key.kind).where('peer_a', '=', key.peerA).where('peer_b', '=', key.peerB)
    .executeTakeFirst()
}

export async function findConversationById(db: Db, appId: string, id: number) {
  return db.selectFrom('conversations').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst()
}

export async function findMessage(db: Db, appId: string, msgId: number) {
  return db.selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .selectAll('m')
    .select(['c.kind', 'c.peer_a', 'c.peer_b'])
    .where('c.app_id', '=', appId)
    .where('m.id', '=', msgId)
    .executeTakeFirst()
}

/** Newest first: messages at or below `fromSeq` (null = newest), sent at or after `visibleFrom` ms. */
export async function pageBackwards(db: Db, conversationId: number, fromSeq: number | null, limit: number, visibleFrom: number): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll()
    .where('conversation_id', '=', conversationId)
    .where('sent_at', '>=', visibleFrom)
  if (fromSeq !== null) query = query.where('seq', '<=', fromSeq)
  return query.orderBy('seq', 'desc').limit(limit).execute()
}

/** Oldest first: messages after `afterSeq` (up to `toSeq` when given), sent at or after `visibleFrom` ms. */
export async function messagesAfter(db: Db, conversationId: number, afterSeq: number, limit: number, visibleFrom: number, toSeq?: number): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', afterSeq)
    .where('sent_at', '>=', visibleFrom)
  if (toSeq !== undefined) query = query.where('seq', '<=', toSeq)
  return query.orderBy('seq', 'asc').limit(limit).execute()
}

export async function findStates(db: Db, conversationId: number, userIds: number[]) {
  if (userIds.length === 0) return []
  return db.selectFrom('conversation_states').selectAll()
    .where('conversation_id', '=', conversationId).where('user_id', 'in', userIds).execute()
}

/** Moves the user's marks forward (never back); returns the read_seq before and after. */
export async function advanceState(db: Db, conversationId: number, userId: number, marks: { read?: number; delivered?: number; hidden?: number }) {
  const read = marks.read ?? 0
  const delivered = Math.max(marks.delivered ?? 0, read)
  const hidden = marks.hidden ?? 0
  const before = await db.selectFrom('conversation_states').select('read_seq')
    .where('conversation_id', '=', conversationId).where('user_id', '=', userId).executeTakeFirst()
  await db.insertInto('conversation_states')
    .values({ conversation_id: conversationId, user_id: userId, read_seq: read, delivered_seq: delivered, hidden_seq: hidden })
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doUpdateSet({
      read_seq: sql`greatest(conversation_states.read_seq, excluded.read_seq)`,
      delivered_seq: sql`greatest(conversation_states.delivered_seq, excluded.delivered_seq)`,
      hidden_seq: sql`greatest(conversation_states.hidden_seq, excluded.hidden_seq)`,
    }))
    .execute()
  const previous = Number(before?.read_seq ?? 0)
  return { previousRead: previous, read: Math.max(previous, read) }
}

/** Distinct senders (other than `reader`) of the messages in (afterSeq, toSeq]. */
export async function sendersBetween(db: Db, conversationId: number, afterSeq: number, toSeq: number, reader: number): Promise<number[]> {
  const rows = await db.selectFrom('messages').select('sender_id').distinct()
    .where('conversation_id', '=', conversationId).where('seq', '>', afterSeq).where('seq', '<=', toSeq)
    .where('sender_id', '<>', reader).where('sender_id', '<>', 0)
    .execute()
  return rows.map((r) => r.sender_id)
}

export async function markRecalled(db: Db, msgId: number): Promise<void> {
  // The recalled words are gone for good; the item stays so the sequence keeps its place.
  await db.updateTable('messages').set({ recalled: true, content: '', attachment: '', config: '', ext: '' }).where('id', '=', msgId).execute()
}

/** The user's pair conversations and the listed groups' conversations, newest first, with the user's marks. */
export async function listConversations(db: Db, appId: string, userId: number, groupIds: number[], limit: number) {
  return db.selectFrom('conversations as c')
    .leftJoin('conversation_states as s', (join) => join.onRef('s.conversation_id', '=', 'c.id').on('s.user_id', '=', userId))
    .select(['c.id', 'c.kind', 'c.peer_a', 'c.peer_b', 'c.last_seq', 'c.last_msg_at'])
    .select((eb) => [
      eb.fn.coalesce('s.read_seq', sql<number>`0`).as('read_seq'),
      eb.fn.coalesce('s.hidden_seq', sql<number>`0`).as('hidden_seq'),
    ])
    .where('c.app_id', '=', appId)
    .where((eb) => eb.or([
      eb.and([eb('c.kind', '=', 1), eb.or([eb('c.peer_a', '=', userId), eb('c.peer_b', '=', userId)])]),
      ...(groupIds.length > 0 ? [eb.and([eb('c.kind', '=', 2), eb('c.peer_a', 'in', groupIds)])] : []),
    ]))
    .whereRef('c.last_seq', '>', sql<number>`coalesce(s.hidden_seq, 0)`)
    .orderBy('c.last_msg_at', 'desc')
    .limit(limit)
    .execute()
}

/** Messages from others after `afterSeq`, sent at or after `visibleFrom`, not counting control messages. */
export async function countUnread(db: Db, conversationId: number, userId: number, afterSeq: number, visibleFrom: number): Promise<number> {
  const row = await db.selectFrom('messages').select(sql<number>`count(*)::int`.as('n'))
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', afterSeq)
    .where('sender_id', '<>', userId)
    .where('content_type', 'not in', [...CONTROL_TYPES])
    .where('sent_at', '>=', visibleFrom)
    .executeTakeFirstOrThrow()
  return row.n
}

/**
 * Claims (app, sender, transaction_id) for this send. Waits for a concurrent claim of the same key to
 * commit or roll back; a claim older than `staleBefore` (ms) is taken over. Returns null when this send
 * owns the key, else the message ids of the first send.
 */
export async function claimTransaction(db: Db, appId: string, senderId: number, transactionId: number, now: number, staleBefore: number): Promise<number[] | null> {
  const claimed = await db.insertInto('message_transactions')
    .values({ app_id: appId, sender_id: senderId, transaction_id: transactionId, created_at: now })
    .onConflict((oc) => oc.columns(['app_id', 'sender_id', 'transaction_id'])
      .doUpdateSet({ created_at: now, msg_ids: [] })
      .where('message_transactions.created_at', '<', staleBefore))
    .returning('transaction_id')
    .executeTakeFirst()
  if (claimed) return null
  const first = await db.selectFrom('message_transactions').select('msg_ids')
    .where('app_id', '=', appId).where('sender_id', '=', senderId).where('transaction_id', '=', transactionId)
    .executeTakeFirstOrThrow()
  return first.msg_ids.map(Number)
}

export async function recordTransaction(db: Db, appId: string, senderId: number, transactionId: number, msgIds: number[]): Promise<void> {
  await db.updateTable('message_transactions').set({ msg_ids: msgIds })
    .where('app_id', '=', appId).where('sender_id', '=', senderId).where('transaction_id', '=', transactionId)
    .execute()
}

/** transaction_id records older than `before` (epoch ms): a repeat of them is a new send anyway. */
export async function purgeTransactions(db: Db, before: number): Promise<number> {
  return deleteInBatches(db, 'message_transactions', sql`created_at < ${before}`)
}

/** The user's unread messages over every pair conversation and the listed groups, in one query: the badge of a push. */
export async function countAllUnread(db: Db, appId: string, userId: number, groupIds: number[]): Promise<number> {
  const row = await db.selectFrom('conversations as c')
    .innerJoin('messages as m', 'm.conversation_id', 'c.id')
    .leftJoin('conversation_states as s', (join) => join.onRef('s.conversation_id', '=', 'c.id').on('s.user_id', '=', userId))
    .select(sql<number>`count(*)::int`.as('n'))
    .where('c.app_id', '=', appId)
    .where((eb) => eb.or([
      eb.and([eb('c.kind', '=', 1), eb.or([eb('c.peer_a', '=', userId), eb('c.peer_b', '=', userId)])]),
      ...(groupIds.length > 0 ? [eb.and([eb('c.kind', '=', 2), eb('c.peer_a', 'in', groupIds)])] : []),
    ]))
    .whereRef('m.seq', '>', sql<number>`greatest(coalesce(s.read_seq, 0), coalesce(s.hidden_seq, 0))`)
    .where('m.sender_id', '<>', userId)
    .where('m.content_type', 'not in', [...CONTROL_TYPES])
    .executeTakeFirstOrThrow()
  return row.n
}
