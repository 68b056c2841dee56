// Queries on users and user_settings rows; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import { DomainError } from '../errors.ts'
import type { Db } from '../../platform/db.ts'
import type { NewUser, UserRow, UserSettingsRow } from '../../platform/tables.ts'
import { toUser, type LoginName, type UserSettings } from './accounts.types.ts'

export { toUser }
import { resolveLoginName } from './rules.ts'

export function toSettings(row: UserSettingsRow, pushToken: string): UserSettings {
  return {
    id: row.id,
    userId: row.user_id,
    authMode: row.auth_mode,
    authQuestion: row.auth_question,
    authAnswer: row.auth_answer,
    autoDownload: row.auto_download,
    groupConfirm: row.group_confirm,
    noPush: row.no_push,
    noPushDetail: row.no_push_detail,
    noPushStartHour: row.no_push_start_hour,
    noPushEndHour: row.no_push_end_hour,
    noSounds: row.no_sounds,
    pushNickName: row.push_nick_name,
    pushToken,
    silenceStartTime: row.silence_start_time,
    silenceEndTime: row.silence_end_time,
    vibratory: row.vibratory,
  }
}

export async function findUserById(db: Db, appId: string, userId: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).where('app_id', '=', appId).executeTakeFirst()
}

/** One login name matches one column: `any` is resolved first (resolveLoginName). */
export async function findUserByLoginName(db: Db, appId: string, name: LoginName): Promise<UserRow | undefined> {
  const query = db.selectFrom('users').selectAll().where('app_id', '=', appId)
  const resolved = resolveLoginName(name)
  switch (resolved.by) {
    case 'id':
      return query.where('id', '=', resolved.userId).executeTakeFirst()
    case 'username':
      return query.where(sql`lower(username)`, '=', resolved.username.toLowerCase()).executeTakeFirst()
    case 'email':
      return query.where(sql`lower(email)`, '=', resolved.email.toLowerCase()).executeTakeFirst()
    case 'mobile':
      return query.where('mobile', '=', resolved.mobile).executeTakeFirst()
  }
}

/** Inserts the user and its default settings; a taken username, mobile or email yields undefined. */
export async function insertUserWithSettings(db: Db, user: NewUser): Promise<{ user: UserRow; settings: UserSettingsRow } | undefined> {
  const row = await db
    .insertInto('users')
    .values(user)
    .onConflict((c) => c.doNothing())
    .returningAll()
    .executeTakeFirst()
  if (!row) return undefined
  const settings = await db.insertInto('user_settings').values({ user_id: row.id }).returningAll().executeTakeFirstOrThrow()
  return { user: row, settings }
}

export async function findSettings(db: Db, userId: number): Promise<UserSettingsRow | undefined> {
  return db.selectFrom('user_settings').selectAll().where('user_id', '=', userId).executeTakeFirst()
}

/**
 * Updates the user's own columns; a unique column already taken by another user yields false.
 * A failed statement aborts a transaction: call it outside one, or as its last statement.
 */
export async function updateUser(
  db: Db,
  userId: number,
  values: Partial<
    Pick<
      UserRow,
      | 'username'
      | 'mobile'
      | 'mobile_unverified'
      | 'email'
      | 'nick_name'
      | 'avatar'
      | 'description'
      | 'public_info'
      | 'private_info'
      | 'disabled'
      | 'deleted_at'
    >
  > & {
    profile?: string
  },
): Promise<boolean> {
  try {
    await db
      .updateTable('users')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', userId)
      .execute()
    return true
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return false // unique_violation
    throw error
  }
}

/** The user's avatar, its row locked until the transaction ends (one avatar change at a time); refuses an unknown user. */
export async function lockUserAvatar(db: Db, appId: string, userId: number): Promise<string> {
  const row = await db.selectFrom('users').select('avatar').where('id', '=', userId).where('app_id', '=', appId).forUpdate().executeTakeFirst()
  if (!row) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
  return row.avatar
}

export async function findUsersByIds(db: Db, appId: string, ids: readonly number[]): Promise<UserRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('users').selectAll().where('app_id', '=', appId).where('id', 'in', ids).execute()
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute()
}

/** Which of the ids are users of the app (a closed account still is one: its conversations stay readable). */
export async function existingUserIds(db: Db, appId: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('users').select('id').where('app_id', '=', appId).where('id', 'in', ids).execute()
  return new Set(rows.map((r) => r.id))
}

/** Of the ids, those that are users of the app, with whether invitations need their confirmation. */
export async function usersWithGroupConfirm(db: Db, appId: string, userIds: number[]): Promise<Map<number, { groupConfirm: boolean }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('user_settings as s', 's.user_id', 'u.id')
    .select(['u.id', 's.group_confirm'])
    .where('u.app_id', '=', appId)
    .where('u.id', 'in', userIds)
    .where('u.deleted_at', 'is', null)
    .execute()
  return new Map(rows.map((r) => [r.id, { groupConfirm: r.group_confirm === true }]))
}

/** Disables or enables the app's users among the ids; returns the ids found. */
export async function setDisabled(db: Db, appId: string, userIds: number[], disabled: boolean): Promise<number[]> {
  const rows = await db
    .updateTable('users')
    .set({ disabled, updated_at: sql`now()` })
    .where('app_id', '=', appId)
    .where('id', 'in', userIds)
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Closes the account: the row stays (messages name their sender) with its username (nobody may take it), and
 * everything else goes: password, numbers, email, profile. A closed account cannot log in or be found.
 */
export async function closeUserRow(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({
      deleted_at: at,
      password_hash: null,
      mobile: null,
      mobile_unverified: null,
      email: null,
      nick_name: '',
      avatar: '',
      description: '',
      public_info: '',
      private_info: '',
      profile: '{}',
      updated_at: sql`now()`,
    })
    .where('id', '=', userId)
    .execute()
}
