// Queries of messaging: append under the conversation's row lock, history and catch-up by sequence, read state, send dedup.
import { sql, type Expression } from 'kysely'
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

export interface Appended {
  id: number
  seq: number
  conversation_id: number
}

/**
 * One statement: create the conversation or bump its last_seq (taking its row lock until commit),
 * then insert the message with that number. A rolled-back send leaves the number unused, and the
 * next send takes it: the sequence never has gaps.
 */
export async function appendMessage(db: Db, key: ConversationKey, m: NewMessage): Promise<Appended> {
  return (await appendOne(db, { key, message: m, guarded: false }))!
}

/** A message for appendBatch: into which conversation, and whether the recipient's blacklist decides in the statement. */
export interface Append {
  key: ConversationKey
  message: NewMessage
  /**
   * A pair message the recipient (targetId) may refuse: the statement stores it only when the recipient has not
   * blocked the sender, so the blacklist costs no round trip of its own and is read under the same snapshot.
   */
  guarded: boolean
}

/**
 * Appends content messages (no related_mid) into any number of conversations, in one statement: each
 * conversation's last_seq moves by its count of stored messages under one row lock (rows locked in key order,
 * as every multi-conversation send locks them), and its messages take the numbers after it in the order given.
 * Answers in the order given: null for a guarded message its recipient's blacklist refused (it took no number).
 */
export async function appendBatch(db: Db, items: Append[]): Promise<Array<Appended | null>> {
  if (items.length === 1) return [await appendOne(db, items[0]!)]
  const column = <T>(pick: (a: Append) => T) => items.map(pick)
  const result = await sql<Appended & { ord: number }>`
    with m as (
      select * from unnest(
        ${column((a) => a.key.appId)}::text[], ${column((a) => a.key.kind)}::smallint[], ${column((a) => a.key.peerA)}::int[],
        ${column((a) => a.key.peerB)}::int[], ${column((a) => a.guarded)}::boolean[], ${column((a) => a.message.senderId)}::int[],
        ${column((a) => a.message.senderDeviceSn)}::int[], ${column((a) => a.message.targetId)}::int[],
        ${column((a) => a.message.contentType)}::smallint[], ${column((a) => a.message.content)}::text[],
        ${column((a) => a.message.attachment)}::text[], ${column((a) => a.message.config)}::text[], ${column((a) => a.message.ext)}::text[],
        ${column((a) => a.message.sentAt)}::bigint[]
      ) with ordinality as m(app_id, kind, peer_a, peer_b, guarded, sender_id, device_sn, target_id, content_type, content, attachment, config, ext, sent_at, ord)
    ),
    ok as (
      select m.*,
        row_number() over (partition by app_id, kind, peer_a, peer_b order by ord) as n,
        count(*) over (partition by app_id, kind, peer_a, peer_b) as cnt
      from m
      where not (m.guarded and exists (select 1 from roster_items r where r.user_id = m.target_id and r.roster_id = m.sender_id and r.blocked))
    ),
    c as (
      insert into conversations as conv (app_id, kind, peer_a, peer_b, last_seq, last_msg_at)
      select app_id, kind, peer_a, peer_b, count(*), max(sent_at) from ok
      group by app_id, kind, peer_a, peer_b
      order by app_id, kind, peer_a, peer_b
      on conflict (app_id, kind, peer_a, peer_b)
      do update set last_seq = conv.last_seq + excluded.last_seq, last_msg_at = greatest(conv.last_msg_at, excluded.last_msg_at)
      returning id, app_id, kind, peer_a, peer_b, last_seq
    ),
    i as (
      insert into messages (conversation_id, seq, sender_id, sender_device_sn, target_id, content_type, content, attachment, config, ext, sent_at)
      select c.id, c.last_seq - ok.cnt + ok.n, ok.sender_id, ok.device_sn, ok.target_id, ok.content_type, ok.content, ok.attachment, ok.config, ok.ext, ok.sent_at
      from ok join c using (app_id, kind, peer_a, peer_b)
      returning id, seq, conversation_id
    )
    select i.id, i.seq, i.conversation_id, ok.ord
    from i join c on c.id = i.conversation_id
    join ok on ok.app_id = c.app_id and ok.kind = c.kind and ok.peer_a = c.peer_a and ok.peer_b = c.peer_b and c.last_seq - ok.cnt + ok.n = i.seq`.execute(db)
  const answers: Array<Appended | null> = items.map(() => null)
  for (const row of result.rows) answers[Number(row.ord) - 1] = { id: Number(row.id), seq: Number(row.seq), conversation_id: Number(row.conversation_id) }
  return answers
}

/** appendBatch for one message: the plain statement, which plans faster than the unnest. */
async function appendOne(db: Db, { key, message: m, guarded }: Append): Promise<Appended | null> {
  const refused = guarded ? sql`where not exists (select 1 from roster_items where user_id = ${m.targetId} and roster_id = ${m.senderId} and blocked)` : sql``
  const result = await sql<Appended>`
    with c as (
      insert into conversations (app_id, kind, peer_a, peer_b, last_seq, last_msg_at)
      select ${key.appId}, ${key.kind}::smallint, ${key.peerA}::int, ${key.peerB}::int, 1, ${m.sentAt}::bigint ${refused}
      on conflict (app_id, kind, peer_a, peer_b)
      do update set last_seq = conversations.last_seq + 1, last_msg_at = excluded.last_msg_at
      returning id, last_seq
    )
    insert into messages (conversation_id, seq, sender_id, sender_device_sn, target_id, content_type, content, attachment, config, ext, related_mid, sent_at)
    select c.id, c.last_seq, ${m.senderId}, ${m.senderDeviceSn}, ${m.targetId}, ${m.contentType}, ${m.content}, ${m.attachment}, ${m.config}, ${m.ext}, ${m.relatedMid}, ${m.sentAt}
    from c
    returning id, seq, conversation_id`.execute(db)
  const row = result.rows[0]
  return row ? { id: Number(row.id), seq: Number(row.seq), conversation_id: Number(row.conversation_id) } : null
}

/**
 * The pairs among `pairs` whose recipient has blocked the sender, as `${recipient}:${sender}`: one lookup for
 * the guarded sends of a batch that must know before they claim their transaction_id.
 */
export async function blockedPairs(db: Db, pairs: Array<{ recipient: number; sender: number }>): Promise<Set<string>> {
  if (pairs.length === 0) return new Set()
  const result = await sql<{ user_id: number; roster_id: number }>`
    select r.user_id, r.roster_id from roster_items r
    join unnest(${pairs.map((p) => p.recipient)}::int[], ${pairs.map((p) => p.sender)}::int[]) as p(recipient, sender)
      on r.user_id = p.recipient and r.roster_id = p.sender
    where r.blocked`.execute(db)
  return new Set(result.rows.map((r) => `${r.user_id}:${r.roster_id}`))
}

export async function findConversation(db: Db, key: ConversationKey) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('app_id', '=', key.appId)
    .where('kind', '=', key.kind)
    .where('peer_a', '=', key.peerA)
    .where('peer_b', '=', key.peerB)
    .executeTakeFirst()
}

export async function findConversationById(db: Db, appId: string, id: number) {
  return db.selectFrom('conversations').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst()
}

export async function findMessage(db: Db, appId: string, msgId: number) {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .selectAll('m')
    .select(['c.kind', 'c.peer_a', 'c.peer_b'])
    .where('c.app_id', '=', appId)
    .where('m.id', '=', msgId)
    .executeTakeFirst()
}

/** Newest first: messages at or below `fromSeq` (null = newest), sent at or after `visibleFrom` ms. */
export async function pageBackwards(db: Db, conversationId: number, fromSeq: number | null, limit: number, visibleFrom: number): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('sent_at', '>=', visibleFrom)
  if (fromSeq !== null) query = query.where('seq', '<=', fromSeq)
  return query.orderBy('seq', 'desc').limit(limit).execute()
}

/** Oldest first: messages after `afterSeq` (up to `toSeq` when given), sent at or after `visibleFrom` ms. */
export async function messagesAfter(
  db: Db,
  conversationId: number,
  afterSeq: number,
  limit: number,
  visibleFrom: number,
  toSeq?: number,
): Promise<MessageRow[]> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', afterSeq)
    .where('sent_at', '>=', visibleFrom)
  if (toSeq !== undefined) query = query.where('seq', '<=', toSeq)
  return query.orderBy('seq', 'asc').limit(limit).execute()
}

export async function findStates(db: Db, conversationId: number, userIds: number[]) {
  if (userIds.length === 0) return []
  return db.selectFrom('conversation_states').selectAll().where('conversation_id', '=', conversationId).where('user_id', 'in', userIds).execute()
}

/** Moves the user's marks forward (never back); returns the read_seq before and after. */
export async function advanceState(db: Db, conversationId: number, userId: number, marks: { read?: number; delivered?: number; hidden?: number }) {
  const read = marks.read ?? 0
  const delivered = Math.max(marks.delivered ?? 0, read)
  const hidden = marks.hidden ?? 0
  const before = await db
    .selectFrom('conversation_states')
    .select('read_seq')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  await db
    .insertInto('conversation_states')
    .values({ conversation_id: conversationId, user_id: userId, read_seq: read, delivered_seq: delivered, hidden_seq: hidden })
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'user_id']).doUpdateSet({
        read_seq: sql`greatest(conversation_states.read_seq, excluded.read_seq)`,
        delivered_seq: sql`greatest(conversation_states.delivered_seq, excluded.delivered_seq)`,
        hidden_seq: sql`greatest(conversation_states.hidden_seq, excluded.hidden_seq)`,
      }),
    )
    .execute()
  const previous = Number(before?.read_seq ?? 0)
  return { previousRead: previous, read: Math.max(previous, read) }
}

/** Moves delivered marks forward (never back), one statement; one mark per (conversation, user). */
export async function advanceDelivered(db: Db, marks: Array<{ conversationId: number; userId: number; seq: number }>): Promise<void> {
  if (marks.length === 0) return
  await db
    .insertInto('conversation_states')
    .values(marks.map((m) => ({ conversation_id: m.conversationId, user_id: m.userId, read_seq: 0, delivered_seq: m.seq, hidden_seq: 0 })))
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'user_id']).doUpdateSet({ delivered_seq: sql`greatest(conversation_states.delivered_seq, excluded.delivered_seq)` }),
    )
    .execute()
}

/** Distinct senders (other than `reader`) of the messages in (afterSeq, toSeq]. */
export async function sendersBetween(db: Db, conversationId: number, afterSeq: number, toSeq: number, reader: number): Promise<number[]> {
  const rows = await db
    .selectFrom('messages')
    .select('sender_id')
    .distinct()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', toSeq)
    .where('sender_id', '<>', reader)
    .where('sender_id', '<>', 0)
    .execute()
  return rows.map((r) => r.sender_id)
}

export async function markRecalled(db: Db, msgId: number): Promise<void> {
  // The recalled words are gone for good; the item stays so the sequence keeps its place.
  await db.updateTable('messages').set({ recalled: true, content: '', attachment: '', config: '', ext: '' }).where('id', '=', msgId).execute()
}

export interface ListedConversation {
  id: number
  kind: 1 | 2
  peer_a: number
  peer_b: number
  last_seq: number
  last_msg_at: number
  read_seq: number
  /** Messages from others after max(read_seq, hidden_seq), sent at or after the group's visible_from, control messages not counted. */
  unread: number
}

/**
 * The user's conversations newest first, with the user's read mark and unread count, in one statement:
 * pairs the user is in, and the conversations of `groups` (group_id, visible_from), a subquery the groups
 * directory builds. Deleted ones (hidden up to their last message) are left out.
 */
export async function listConversations(
  db: Db,
  appId: string,
  userId: number,
  groups: Expression<{ group_id: number; visible_from: number }>,
  limit: number,
): Promise<ListedConversation[]> {
  // Each branch its own index range (conversations_key, conversations_peer_b, conversations_key per group);
  // one OR over all three would scan the app's conversations.
  // The list comes back as ONE json value, not a row per conversation: PGlite decodes every field of every
  // row in JavaScript (a copied buffer and a string each), 8 x 200 of them costing more than the counting
  // (about 2 ms of CPU per call); one json text and one JSON.parse cost about a quarter of that.
  const result = await sql<{ list: string }>`
    with mine as (
      select c.id, c.kind, c.peer_a, c.peer_b, c.last_seq, c.last_msg_at, 0::bigint as visible_from
      from conversations c where c.app_id = ${appId} and c.kind = 1 and c.peer_a = ${userId}
      union all
      select c.id, c.kind, c.peer_a, c.peer_b, c.last_seq, c.last_msg_at, 0::bigint
      from conversations c where c.app_id = ${appId} and c.kind = 1 and c.peer_b = ${userId}
      union all
      select c.id, c.kind, c.peer_a, c.peer_b, c.last_seq, c.last_msg_at, g.visible_from
      from (${groups}) g join conversations c on c.app_id = ${appId} and c.kind = 2 and c.peer_a = g.group_id and c.peer_b = 0
    )
    select coalesce(json_agg(json_build_array(l.id, l.kind, l.peer_a, l.peer_b, l.last_seq, l.last_msg_at, l.read_seq, l.unread)
      order by l.last_msg_at desc, l.id desc), '[]')::text as list
    from (
      select x.id, x.kind, x.peer_a, x.peer_b, x.last_seq, x.last_msg_at, coalesce(s.read_seq, 0) as read_seq,
        -- Counted only where the marks are behind the last message: a read conversation costs no index probe.
        case when x.last_seq > greatest(coalesce(s.read_seq, 0), coalesce(s.hidden_seq, 0)) then
          (select count(*)::int from messages m
            where m.conversation_id = x.id
              and m.seq > greatest(coalesce(s.read_seq, 0), coalesce(s.hidden_seq, 0))
              and m.sender_id <> ${userId}
              and m.content_type not in (${sql.join([...CONTROL_TYPES])})
              and m.sent_at >= x.visible_from)
        else 0 end as unread
      from mine x
      left join conversation_states s on s.conversation_id = x.id and s.user_id = ${userId}
      where x.last_seq > coalesce(s.hidden_seq, 0)
      order by x.last_msg_at desc, x.id desc
      limit ${limit}
    ) l`.execute(db)
  const rows = JSON.parse(result.rows[0]!.list) as Array<[number, 1 | 2, number, number, number, number, number, number]>
  return rows.map(([id, kind, peer_a, peer_b, last_seq, last_msg_at, read_seq, unread]) => ({
    id,
    kind,
    peer_a,
    peer_b,
    last_seq,
    last_msg_at,
    read_seq,
    unread,
  }))
}

/**
 * The two lowest read marks among `receivers` (a subquery of user ids; 0 for one who never read), lowest first,
 * in one statement: enough to tell, for a message from any one sender, whether every other receiver has read it.
 */
export async function lowestReads(
  db: Db,
  conversationId: number,
  receivers: Expression<{ user_id: number }>,
): Promise<Array<{ userId: number; read: number }>> {
  const result = await sql<{ user_id: number; read: number }>`
    select r.user_id, coalesce(s.read_seq, 0) as read
    from (${receivers}) r
    left join conversation_states s on s.conversation_id = ${conversationId} and s.user_id = r.user_id
    order by read asc, r.user_id asc
    limit 2`.execute(db)
  return result.rows.map((r) => ({ userId: r.user_id, read: Number(r.read) }))
}

/**
 * Claims (app, sender, scope, transaction_id) for this send. Waits for a concurrent claim of the same key to
 * commit or roll back; a claim older than `staleBefore` (ms) is taken over. Returns null when this send
 * owns the key, else the message ids of the first send.
 */
export async function claimTransaction(
  db: Db,
  appId: string,
  senderId: number,
  scope: number,
  transactionId: number,
  now: number,
  staleBefore: number,
): Promise<number[] | null> {
  const claimed = await db
    .insertInto('message_transactions')
    .values({ app_id: appId, sender_id: senderId, scope, transaction_id: transactionId, created_at: now })
    .onConflict((oc) =>
      oc
        .columns(['app_id', 'sender_id', 'scope', 'transaction_id'])
        .doUpdateSet({ created_at: now, msg_ids: [] })
        .where('message_transactions.created_at', '<', staleBefore),
    )
    .returning('transaction_id')
    .executeTakeFirst()
  if (claimed) return null
  const first = await db
    .selectFrom('message_transactions')
    .select('msg_ids')
    .where('app_id', '=', appId)
    .where('sender_id', '=', senderId)
    .where('scope', '=', scope)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirstOrThrow()
  return first.msg_ids.map(Number)
}

export async function recordTransaction(db: Db, appId: string, senderId: number, scope: number, transactionId: number, msgIds: number[]): Promise<void> {
  await db
    .updateTable('message_transactions')
    .set({ msg_ids: msgIds })
    .where('app_id', '=', appId)
    .where('sender_id', '=', senderId)
    .where('scope', '=', scope)
    .where('transaction_id', '=', transactionId)
    .execute()
}

/** transaction_id records older than `before` (epoch ms): a repeat of them is a new send anyway. */
export async function purgeTransactions(db: Db, before: number): Promise<number> {
  return deleteInBatches(db, 'message_transactions', sql`created_at < ${before}`)
}
