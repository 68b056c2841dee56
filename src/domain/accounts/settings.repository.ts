// Queries on user_settings, user_push_tags and user_open_ids; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

/** Sets the given user_settings columns (already validated and named by the service). */
export async function updateSettings(db: Db, userId: number, values: Record<string, unknown>): Promise<void> {
  await db.updateTable('user_settings').set(values).where('user_id', '=', userId).execute()
}

/** Sets the badge (`set`) or adds to it (`add`), within 0 … 99999; answers the new badge (0 for a user without settings). */
export async function changeBadge(db: Db, userId: number, change: { set: number } | { add: number }): Promise<number> {
  const value =
    'set' in change ? sql<number>`least(99999, greatest(0, ${change.set}::int))` : sql<number>`least(99999, greatest(0, push_badge + ${change.add}::int))`
  const row = await db.updateTable('user_settings').set({ push_badge: value }).where('user_id', '=', userId).returning('push_badge').executeTakeFirst()
  return row?.push_badge ?? 0
}

export async function listTags(db: Db, userId: number): Promise<string[]> {
  const rows = await db.selectFrom('user_push_tags').select('tag').where('user_id', '=', userId).orderBy('tag').execute()
  return rows.map((r) => r.tag)
}

/** Adds the tags (present ones stay) and returns how many tags the user has now. */
export async function addTags(db: Db, userId: number, tags: string[]): Promise<number> {
  await db
    .insertInto('user_push_tags')
    .values(tags.map((tag) => ({ user_id: userId, tag })))
    .onConflict((c) => c.doNothing())
    .execute()
  const { n } = await db
    .selectFrom('user_push_tags')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** The app's users with any of the tags (user_push_tags has no app: the user's row says which). */
export async function usersTagged(db: Db, appId: string, tags: string[]): Promise<number[]> {
  if (tags.length === 0) return []
  const rows = await db
    .selectFrom('user_push_tags')
    .innerJoin('users', 'users.id', 'user_push_tags.user_id')
    .select('user_push_tags.user_id')
    .distinct()
    .where('users.app_id', '=', appId)
    .where('user_push_tags.tag', 'in', tags)
    .orderBy('user_push_tags.user_id')
    .execute()
  return rows.map((r) => r.user_id)
}

export async function removeTags(db: Db, userId: number, tags: string[] | 'all'): Promise<void> {
  let query = db.deleteFrom('user_push_tags').where('user_id', '=', userId)
  if (tags !== 'all') query = query.where('tag', 'in', tags)
  await query.execute()
}

/** Binds the open id to the user unless it is bound already; true when this call bound it. */
export async function insertOpenId(db: Db, appId: string, userId: number, type: string, openId: string): Promise<boolean> {
  const row = await db
    .insertInto('user_open_ids')
    .values({ app_id: appId, type, open_id: openId, user_id: userId })
    .onConflict((c) => c.columns(['app_id', 'type', 'open_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst()
  return row !== undefined
}

export async function openIdOwner(db: Db, appId: string, type: string, openId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('user_open_ids')
    .select('user_id')
    .where('app_id', '=', appId)
    .where('type', '=', type)
    .where('open_id', '=', openId)
    .executeTakeFirst()
  return row?.user_id
}

/** A closed account's open ids go, so they may bind another account. */
export async function removeOpenIds(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('user_open_ids').where('user_id', '=', userId).execute()
}
