// Queries on the notice log (user_notices) and on each device's cursor in it (device_notice_cursors).
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import { deleteInBatches } from '../../platform/purge.ts'
import type { Audience, NewNotice, Notice } from './notices.types.ts'

/**
 * Writes one row per recipient in one INSERT … SELECT (a notice to a 1,000-member group is one statement) and
 * returns who got one. Recipients named twice get one row.
 */
export async function insertNotice(db: Db, notice: NewNotice, audience: Audience, createdAt: Date): Promise<number[]> {
  const sources = []
  const users = [...new Set(audience.users ?? [])]
  if (users.length > 0) sources.push(sql`select unnest(${users}::int[]) as user_id`)
  if (audience.query) sources.push(sql`select user_id from (${audience.query}) q`)
  if (sources.length === 0) return []
  const result = await sql<{ user_id: number }>`
    insert into user_notices (app_id, user_id, kind, type, group_id, actor_id, subject_ids, content, created_at)
    select ${notice.appId}, r.user_id, ${notice.kind}, ${notice.type}, ${notice.groupId ?? null}, ${notice.actorId},
      ${notice.subjectIds ?? []}::int[], ${notice.content ?? ''}, ${createdAt}
    from (${sql.join(sources, sql` union `)}) r
    returning user_id`.execute(db)
  return result.rows.map((r) => r.user_id)
}

/** The user's notices after `afterId`, oldest first. */
export async function noticesAfter(db: Db, userId: number, afterId: number, limit: number): Promise<Notice[]> {
  const rows = await db.selectFrom('user_notices').selectAll().where('user_id', '=', userId).where('id', '>', afterId).orderBy('id').limit(limit).execute()
  return rows.map((row) => ({
    id: Number(row.id),
    userId: row.user_id,
    kind: row.kind,
    type: row.type,
    groupId: row.group_id,
    actorId: row.actor_id,
    subjectIds: row.subject_ids.map(Number),
    content: row.content,
    createdAt: row.created_at.getTime(),
  }))
}

/** How many of the user's notices come after `afterId`, counting no further than `cap`. */
export async function countAfter(db: Db, userId: number, afterId: number, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('user_notices').select('id').where('user_id', '=', userId).where('id', '>', afterId).limit(cap).as('n'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}

/** The newest id of the user's notices written before `before` (0 when none): where a new device's cursor starts. */
export async function newestBefore(db: Db, userId: number, before: Date): Promise<number> {
  const row = await db
    .selectFrom('user_notices')
    .select(sql<number | null>`max(id)`.as('id'))
    .where('user_id', '=', userId)
    .where('created_at', '<', before)
    .executeTakeFirstOrThrow()
  return Number(row.id ?? 0)
}

export async function findCursor(db: Db, deviceId: number): Promise<number | undefined> {
  const row = await db.selectFrom('device_notice_cursors').select('seen_id').where('device_id', '=', deviceId).executeTakeFirst()
  return row === undefined ? undefined : Number(row.seen_id)
}

/** Moves the device's cursor to `seenId`, never backwards (two pulls racing keep the further one). */
export async function advanceCursor(db: Db, deviceId: number, seenId: number): Promise<void> {
  await db
    .insertInto('device_notice_cursors')
    .values({ device_id: deviceId, seen_id: seenId })
    .onConflict((oc) => oc.column('device_id').doUpdateSet({ seen_id: sql`greatest(device_notice_cursors.seen_id, excluded.seen_id)` }))
    .execute()
}

export async function purgeNotices(db: Db, before: Date): Promise<number> {
  return deleteInBatches(db, 'user_notices', sql`created_at < ${before}`)
}
