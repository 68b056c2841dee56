// Queries on roster records, friend applications and list versions; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { RosterApplicationRow } from '../../platform/tables.ts'
import { ApplicationStatus, Relation, type ExtUpdate, type FriendApplication, type RosterEntry } from './roster.types.ts'

export function toApplication(row: RosterApplicationRow): FriendApplication {
  return {
    id: row.id,
    applicantId: row.applicant_id,
    targetId: row.target_id,
    status: row.status,
    reason: row.reason,
    declineReason: row.decline_reason,
    expiresAt: row.expires_at.getTime(),
    createdAt: row.created_at.getTime(),
  }
}

/** Serialises the use cases that change one pair of users, whichever of the two acts. */
export async function lockPair(db: Db, a: number, b: number): Promise<void> {
  const key = `roster:${Math.min(a, b)}:${Math.max(a, b)}`
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db)
}

/** True when both records of the pair say friend. */
export async function areFriends(db: Db, appId: string, a: number, b: number): Promise<boolean> {
  const row = await db
    .selectFrom('roster_items')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('app_id', '=', appId)
    .where('relation', '=', Relation.FRIEND)
    .where((eb) => eb.or([eb.and([eb('user_id', '=', a), eb('roster_id', '=', b)]), eb.and([eb('user_id', '=', b), eb('roster_id', '=', a)])]))
    .executeTakeFirstOrThrow()
  return row.n === 2
}

/** True when `owner` has `other` in its blacklist. */
export async function isBlocked(db: Db, owner: number, other: number): Promise<boolean> {
  const row = await db.selectFrom('roster_items').select('blocked').where('user_id', '=', owner).where('roster_id', '=', other).executeTakeFirst()
  return row?.blocked === true
}

/**
 * Makes each pair friends from its owner's side (call it with both sides). An alias of '' keeps the
 * record's alias; the blacklist flag is kept, so blocking survives a new friendship.
 */
export async function upsertFriendRecords(
  db: Db,
  appId: string,
  records: Array<{ userId: number; rosterId: number; alias?: string }>,
  now: Date,
): Promise<void> {
  if (records.length === 0) return
  await db
    .insertInto('roster_items')
    .values(
      records.map((r) => ({
        user_id: r.userId,
        roster_id: r.rosterId,
        app_id: appId,
        relation: Relation.FRIEND,
        alias: r.alias ?? '',
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((c) =>
      c.columns(['user_id', 'roster_id']).doUpdateSet((eb) => ({
        relation: Relation.FRIEND,
        alias: sql<string>`case when ${eb.ref('excluded.alias')} <> '' then ${eb.ref('excluded.alias')} else roster_items.alias end`,
        updated_at: now,
      })),
    )
    .execute()
}

/** Sets the relation of an existing record (deletion: 1 for the deleter, 2 for the other side). */
export async function setRelation(db: Db, userId: number, rosterId: number, relation: number, now: Date): Promise<void> {
  await db.updateTable('roster_items').set({ relation, updated_at: now }).where('user_id', '=', userId).where('roster_id', '=', rosterId).execute()
}

/** Puts `rosterId` in or out of `userId`'s blacklist; a stranger gets a record (relation 2) to hold the flag. */
export async function setBlocked(db: Db, appId: string, userId: number, rosterId: number, blocked: boolean, now: Date): Promise<boolean> {
  if (!blocked) {
    const result = await db
      .updateTable('roster_items')
      .set({ blocked: false, updated_at: now })
      .where('user_id', '=', userId)
      .where('roster_id', '=', rosterId)
      .where('blocked', '=', true)
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  }
  const row = await db
    .insertInto('roster_items')
    .values({ user_id: userId, roster_id: rosterId, app_id: appId, relation: Relation.STRANGER, blocked: true, created_at: now, updated_at: now })
    .onConflict((c) => c.columns(['user_id', 'roster_id']).doUpdateSet({ blocked: true, updated_at: now }).where('roster_items.blocked', '=', false))
    .returning('user_id')
    .executeTakeFirst()
  return row !== undefined
}

/** Updates the fields given on a friend's record; false when `rosterId` is not a friend of `userId`. */
export async function updateFriendExt(db: Db, userId: number, rosterId: number, update: ExtUpdate, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('roster_items')
    .set({
      updated_at: now,
      ...(update.alias !== undefined ? { alias: update.alias } : {}),
      ...(update.ext !== undefined ? { ext: update.ext } : {}),
      ...(update.muteNotification !== undefined ? { mute_notification: update.muteNotification } : {}),
    })
    .where('user_id', '=', userId)
    .where('roster_id', '=', rosterId)
    .where('relation', '=', Relation.FRIEND)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Friend ids after `after`, in id order; one more than `limit` tells that another page exists. */
export async function friendIdsAfter(db: Db, userId: number, after: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('roster_items')
    .select('roster_id')
    .where('user_id', '=', userId)
    .where('relation', '=', Relation.FRIEND)
    .where('roster_id', '>', after)
    .orderBy('roster_id')
    .limit(limit + 1)
    .execute()
  return rows.map((r) => r.roster_id)
}

export async function blockedIds(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('roster_items').select('roster_id').where('user_id', '=', userId).where('blocked', '=', true).orderBy('roster_id').execute()
  return rows.map((r) => r.roster_id)
}

export type UserFilter = { ids: number[] } | { mobile: string } | { username: string }

/** Users of the app matching `filter` as `viewerId` sees them: public fields, settings, and the viewer's record. */
export async function rosterEntries(db: Db, appId: string, viewerId: number, filter: UserFilter): Promise<RosterEntry[]> {
  let query = db
    .selectFrom('users as u')
    .innerJoin('user_settings as s', 's.user_id', 'u.id')
    .leftJoin('roster_items as r', (join) => join.onRef('r.roster_id', '=', 'u.id').on('r.user_id', '=', viewerId))
    .select([
      'u.id',
      'u.username',
      'u.nick_name',
      'u.avatar',
      'u.description',
      'u.public_info',
      's.auth_mode',
      's.auth_question',
      'r.alias',
      'r.ext',
      'r.mute_notification',
      'r.relation',
      'r.blocked',
    ])
    .where('u.app_id', '=', appId)
  if ('ids' in filter) {
    if (filter.ids.length === 0) return []
    query = query.where('u.id', 'in', filter.ids)
  } else if ('mobile' in filter) {
    query = query.where('u.mobile', '=', filter.mobile)
  } else {
    // A closed account keeps its name but is not found by it (by id it still shows, cleared, as the sender of old messages).
    query = query.where(sql`lower(u.username)`, '=', filter.username.toLowerCase()).where('u.deleted_at', 'is', null)
  }
  const rows = await query.execute()
  return rows.map((row) => ({
    userId: row.id,
    username: row.username,
    nickName: row.nick_name,
    avatar: row.avatar,
    description: row.description,
    publicInfo: row.public_info,
    authMode: row.auth_mode,
    authQuestion: row.auth_question,
    alias: row.alias ?? '',
    ext: row.ext ?? '',
    muteNotification: row.mute_notification ?? false,
    relation: row.blocked ? Relation.BLACKLISTED : (row.relation ?? Relation.STRANGER),
  }))
}

/** The pair's pending application that has not expired, locked for the use case that handles it. */
export async function findLivePending(db: Db, applicantId: number, targetId: number, now: Date): Promise<RosterApplicationRow | undefined> {
  return db
    .selectFrom('roster_applications')
    .selectAll()
    .where('applicant_id', '=', applicantId)
    .where('target_id', '=', targetId)
    .where('status', '=', ApplicationStatus.PENDING)
    .where('expires_at', '>', now)
    .forUpdate()
    .executeTakeFirst()
}

/** True when the target declined an application of the applicant that has not expired yet. */
export async function hasLiveDecline(db: Db, applicantId: number, targetId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('roster_applications')
    .select('id')
    .where('applicant_id', '=', applicantId)
    .where('target_id', '=', targetId)
    .where('status', '=', ApplicationStatus.DECLINED)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return row !== undefined
}

/** Creates the pair's pending application, or updates the one there is: the fields given and a new expiry. */
export async function upsertPending(
  db: Db,
  app: { appId: string; applicantId: number; targetId: number; reason?: string; alias?: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('roster_applications')
    .values({
      app_id: app.appId,
      applicant_id: app.applicantId,
      target_id: app.targetId,
      status: ApplicationStatus.PENDING,
      reason: app.reason ?? '',
      alias: app.alias ?? '',
      created_at: app.now,
      updated_at: app.now,
      expires_at: app.expiresAt,
    })
    .onConflict((c) =>
      c
        .columns(['applicant_id', 'target_id'])
        .where('status', '=', ApplicationStatus.PENDING)
        .doUpdateSet({
          ...(app.reason !== undefined ? { reason: app.reason } : {}),
          ...(app.alias !== undefined ? { alias: app.alias } : {}),
          updated_at: app.now,
          expires_at: app.expiresAt,
        }),
    )
    .execute()
}

/** Records applications that were granted at once (auth mode 0 or a right answer, or an admin's batch). */
export async function insertAccepted(
  db: Db,
  appId: string,
  apps: Array<{ applicantId: number; targetId: number; reason: string; alias: string }>,
  now: Date,
  expiresAt: Date,
): Promise<void> {
  if (apps.length === 0) return
  await db
    .insertInto('roster_applications')
    .values(
      apps.map((a) => ({
        app_id: appId,
        applicant_id: a.applicantId,
        target_id: a.targetId,
        status: ApplicationStatus.ACCEPTED,
        reason: a.reason,
        alias: a.alias,
        created_at: now,
        updated_at: now,
        expires_at: expiresAt,
      })),
    )
    .execute()
}

export async function setApplicationStatus(db: Db, id: number, status: number, declineReason: string, now: Date): Promise<void> {
  await db.updateTable('roster_applications').set({ status, decline_reason: declineReason, updated_at: now }).where('id', '=', id).execute()
}

/** Marks every pending application between the two users accepted (they are friends now); the number changed. */
export async function acceptPendingBetween(db: Db, a: number, b: number, now: Date): Promise<number> {
  const result = await db
    .updateTable('roster_applications')
    .set({ status: ApplicationStatus.ACCEPTED, updated_at: now })
    .where('status', '=', ApplicationStatus.PENDING)
    .where((eb) => eb.or([eb.and([eb('applicant_id', '=', a), eb('target_id', '=', b)]), eb.and([eb('applicant_id', '=', b), eb('target_id', '=', a)])]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Applications the user sent or received, newest first, with ids below `before`; one more than `limit`. */
export async function applicationsBefore(db: Db, userId: number, before: number, limit: number, includeSent: boolean): Promise<RosterApplicationRow[]> {
  return db
    .selectFrom('roster_applications')
    .selectAll()
    .where((eb) => (includeSent ? eb.or([eb('applicant_id', '=', userId), eb('target_id', '=', userId)]) : eb('target_id', '=', userId)))
    .where('id', '<', before)
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

type VersionColumn = 'roster_version' | 'apply_version'

/**
 * Moves the version of each user's friend list or application list on: the list changed. Rows are
 * locked in id order, so transactions bumping overlapping sets of users cannot deadlock.
 */
export async function bumpVersions(db: Db, column: VersionColumn, userIds: number[]): Promise<void> {
  const ids = [...new Set(userIds)].sort((a, b) => a - b)
  if (ids.length === 0) return
  await db
    .insertInto('roster_versions')
    .values(ids.map((id) => ({ user_id: id, [column]: 1 })))
    .onConflict((c) => c.column('user_id').doUpdateSet({ [column]: sql`roster_versions.${sql.ref(column)} + 1` }))
    .execute()
}

export async function readVersion(db: Db, column: VersionColumn, userId: number): Promise<number> {
  const row = await db.selectFrom('roster_versions').select(column).where('user_id', '=', userId).executeTakeFirst()
  return row?.[column] ?? 0
}

/** A closed account leaves every list: its friendships both ways and its applications, sent or received; returns the other users touched. */
export async function forgetUser(db: Db, userId: number): Promise<number[]> {
  const items = await db
    .deleteFrom('roster_items')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('roster_id', '=', userId)]))
    .returning(['user_id', 'roster_id'])
    .execute()
  const applications = await db
    .deleteFrom('roster_applications')
    .where((eb) => eb.or([eb('applicant_id', '=', userId), eb('target_id', '=', userId)]))
    .returning(['applicant_id', 'target_id'])
    .execute()
  const others = [...items.flatMap((r) => [r.user_id, r.roster_id]), ...applications.flatMap((r) => [r.applicant_id, r.target_id])]
  return [...new Set(others)].filter((id) => id !== userId)
}
