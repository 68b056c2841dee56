// Reading comparisons: /message/unread for a user of 200 conversations vs of 1, and a history page with read status in a 1,000-member group vs a pair.
import { sql } from 'kysely'
import { newToken, tokenDigest } from '../../src/platform/tokens.ts'
import type { Fixture } from './fixture.ts'
import { groupOf } from './groups.ts'
import { httpTarget, type Target } from './target.ts'

/** Messages in each conversation of the unread comparison, from the user (even seq) and the other side (odd) in turn; the user has read the older half. */
const PER_CONVERSATION = 10
/** So each conversation has two unread: the other side's 7 and 9. */
const UNREAD_EACH = 2
/** Of the wide user's conversations, this many are groups (each with the user and one other member). */
const GROUPS_OF_WIDE = 20

/** The newest page (20) of a conversation's history as the fixture's user reads it; `also` checks more of the answer. */
export function historyPageTarget(f: Fixture, query: string, also: (json: any) => boolean = () => true): Target {
  return httpTarget({
    url: `${f.appUrl}/message/conversation?${query}&limit=20`,
    method: 'GET',
    headers: { 'access-token': f.user.token },
    sameBody: false,
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.code !== 200 || json.data.messages.length !== 20 || !also(json)) throw new Error('not a full page')
    },
  })
}

/** `count` users written by SQL, each with a user token (argon2 registrations would take long and measure nothing). */
async function usersWithTokens(f: Fixture, prefix: string, count: number): Promise<Array<{ id: number; token: string }>> {
  const users = await sql<{ id: number }>`
    insert into users (app_id, username) select 'default', ${prefix} || g from generate_series(1, ${count}::int) g returning id`.execute(f.db)
  const tokens = users.rows.map(() => newToken())
  await f.db
    .insertInto('tokens')
    .values(
      users.rows.map((u, i) => ({
        app_id: 'default',
        kind: 'user' as const,
        user_id: u.id,
        device_id: null,
        digest: tokenDigest(tokens[i]!),
        client: '',
        expires_at: null,
        revoked_at: null,
      })),
    )
    .execute()
  return users.rows.map((u, i) => ({ id: u.id, token: tokens[i]! }))
}

/**
 * Fills conversations by INSERT … SELECT: `size` messages each, from the user and the other side in turn,
 * and the user's read mark at half of them. Returns nothing: the routes read it back.
 */
async function fill(f: Fixture, conversationIds: number[], userId: number, otherOf: (index: number) => number, size: number, now: number): Promise<void> {
  for (const [i, id] of conversationIds.entries()) {
    const other = otherOf(i)
    await sql`
      insert into messages (conversation_id, seq, sender_id, target_id, content_type, content, sent_at)
      select ${id}, g, case when g % 2 = 0 then ${userId}::int else ${other}::int end, 0, 0, 'message ' || g, ${now - size}::bigint + g
      from generate_series(1, ${size}::int) g`.execute(f.db)
  }
  await f.db
    .insertInto('conversation_states')
    .values(conversationIds.map((id) => ({ conversation_id: id, user_id: userId, read_seq: size / 2, delivered_seq: size / 2 })))
    .execute()
}

function unreadTarget(f: Fixture, token: string, conversations: number): Target {
  return httpTarget({
    url: `${f.appUrl}/message/unread`,
    method: 'GET',
    headers: { 'access-token': token },
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.code !== 200 || json.data?.length !== conversations) throw new Error(`not a list of ${conversations}`)
      if (json.data.some((c: { num: number }) => c.num !== UNREAD_EACH)) throw new Error('wrong unread counts')
    },
  })
}

/**
 * Two fresh users: one in 200 conversations (180 pairs, 20 groups), one in a single pair; each conversation of
 * 10 messages, half read. The list of 200 does 200 times the counting: the comparison shows what the per-
 * conversation part costs once it is one statement.
 */
export async function unreadBreadth(f: Fixture, wide = 200) {
  const stamp = Date.now().toString(36)
  const [many, one] = await usersWithTokens(f, `unread_${stamp}_`, 2)
  const peers = await usersWithTokens(f, `unread_peer_${stamp}_`, wide - GROUPS_OF_WIDE + 1)
  const now = Date.now()
  const pairOf = (user: number, peer: number) => ({
    app_id: 'default',
    kind: 1 as const,
    peer_a: Math.min(user, peer),
    peer_b: Math.max(user, peer),
    last_seq: PER_CONVERSATION,
    last_msg_at: now,
  })
  const pairs = await f.db
    .insertInto('conversations')
    .values(peers.slice(1).map((p) => pairOf(many!.id, p.id)))
    .returning('id')
    .execute()
  await fill(
    f,
    pairs.map((c) => c.id),
    many!.id,
    (i) => peers[i + 1]!.id,
    PER_CONVERSATION,
    now,
  )

  const groups = await f.db
    .insertInto('groups')
    .values(Array.from({ length: GROUPS_OF_WIDE }, (_, i) => ({ app_id: 'default', owner_id: peers[0]!.id, name: `unread ${stamp} ${i}`, member_count: 2 })))
    .returning('id')
    .execute()
  // Members since before the messages (history_visible is off: a later join would hide them).
  const joinedAt = new Date(now - 3_600_000)
  await f.db
    .insertInto('group_members')
    .values(
      groups.flatMap((g) => [
        { group_id: g.id, user_id: peers[0]!.id, role: 'owner' as const, joined_at: joinedAt },
        { group_id: g.id, user_id: many!.id, role: 'member' as const, joined_at: joinedAt },
      ]),
    )
    .execute()
  const groupConversations = await f.db
    .insertInto('conversations')
    .values(groups.map((g) => ({ app_id: 'default', kind: 2 as const, peer_a: g.id, peer_b: 0, last_seq: PER_CONVERSATION, last_msg_at: now })))
    .returning('id')
    .execute()
  await fill(
    f,
    groupConversations.map((c) => c.id),
    many!.id,
    () => peers[0]!.id,
    PER_CONVERSATION,
    now,
  )

  const single = await f.db.insertInto('conversations').values(pairOf(one!.id, peers[0]!.id)).returning('id').execute()
  await fill(
    f,
    single.map((c) => c.id),
    one!.id,
    () => peers[0]!.id,
    PER_CONVERSATION,
    now,
  )
  await sql`analyze`.execute(f.db)
  return { one: unreadTarget(f, one!.token, 1), many: unreadTarget(f, many!.token, wide) }
}

/**
 * The fixture's user reads the newest page (20) of a 1,000-member group with read_ack (so each message's status
 * needs every receiving member's read mark) and of a pair, both of 1,000 messages; each member has read a
 * different amount.
 */
export async function groupStatusPage(f: Fixture, members = 1000, size = 1000) {
  const stamp = Date.now().toString(36)
  const others = await sql<{ id: number }>`
    insert into users (app_id, username) select 'default', ${`status_${stamp}_`} || g from generate_series(1, ${members - 1}::int) g returning id`.execute(f.db)
  const groupId = await groupOf(
    f,
    others.rows.map((r) => r.id),
    'bench status group',
  )
  const headers = { 'access-token': f.user.token, 'content-type': 'application/json' }
  const readAck = await fetch(`${f.appUrl}/group/settings/enable_read_ack`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ group_id: groupId, value: true }),
  }).then((r) => r.json() as Promise<{ code: number }>)
  if (readAck.code !== 200) throw new Error(`enable_read_ack failed: ${JSON.stringify(readAck)}`)
  const [peer] = await usersWithTokens(f, `status_peer_${stamp}_`, 1)
  const now = Date.now()
  const group = await f.db
    .insertInto('conversations')
    .values({ app_id: 'default', kind: 2, peer_a: groupId, peer_b: 0, last_seq: size, last_msg_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  const pair = await f.db
    .insertInto('conversations')
    .values({
      app_id: 'default',
      kind: 1,
      peer_a: Math.min(f.user.userId, peer!.id),
      peer_b: Math.max(f.user.userId, peer!.id),
      last_seq: size,
      last_msg_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // Group messages from the members in turn; the pair's from both sides in turn.
  await sql`
    insert into messages (conversation_id, seq, sender_id, target_id, content_type, content, sent_at)
    select ${group.id}, g, m.user_id, ${groupId}::int, 0, 'group ' || g, ${now - size}::bigint + g
    from generate_series(1, ${size}::int) g
    join (select user_id, (row_number() over (order by id))::int - 1 as i from group_members where group_id = ${groupId}) m on m.i = g % ${members}::int`.execute(
    f.db,
  )
  await sql`
    insert into messages (conversation_id, seq, sender_id, target_id, content_type, content, sent_at)
    select ${pair.id}, g, case when g % 2 = 0 then ${f.user.userId}::int else ${peer!.id}::int end,
           case when g % 2 = 0 then ${peer!.id}::int else ${f.user.userId}::int end, 0, 'pair ' || g, ${now - size}::bigint + g
    from generate_series(1, ${size}::int) g`.execute(f.db)
  // Every member has read somewhere between half and all of it; the pair's peer has read half.
  await sql`
    insert into conversation_states (conversation_id, user_id, read_seq, delivered_seq)
    select ${group.id}, user_id, ${size / 2}::int + user_id % ${size / 2}::int, ${size}::int from group_members where group_id = ${groupId}`.execute(f.db)
  await f.db
    .insertInto('conversation_states')
    .values({ conversation_id: pair.id, user_id: peer!.id, read_seq: size / 2, delivered_seq: size })
    .execute()
  await sql`analyze`.execute(f.db)
  const withStatus = (json: { data: { messages: Array<{ status: string }> } }) =>
    json.data.messages.every((m) => m.status === 'READ' || m.status === 'DELIVERED')
  const page = (query: string) => historyPageTarget(f, query, withStatus)
  return { group: page(`opposite_id=${groupId}&type=2`), pair: page(`opposite_id=${peer!.id}`) }
}
