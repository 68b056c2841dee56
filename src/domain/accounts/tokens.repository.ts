// Queries on the one token store of every surface; tokens are looked up by their SHA-256 digest only.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import { deleteInBatches } from '../../platform/purge.ts'

export async function insertToken(
  db: Db,
  token: { appId: string; kind: 'user' | 'admin'; userId: number | null; deviceId: number | null; digest: string; client: string; expiresAt: Date | null },
): Promise<number> {
  const row = await db
    .insertInto('tokens')
    .values({
      app_id: token.appId,
      kind: token.kind,
      user_id: token.userId,
      device_id: token.deviceId,
      digest: token.digest,
      client: token.client,
      expires_at: token.expiresAt,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * The live token with that digest and whether its user may act; expiry is the caller's to judge. A derived
 * token lives only while its session token does (`parent_live`).
 */
export async function findLiveToken(db: Db, digest: string) {
  return db
    .selectFrom('tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('tokens as p', 'p.id', 't.parent_id')
    .select(['t.id', 't.app_id', 't.kind', 't.user_id', 't.device_id', 't.expires_at', 't.client', 't.parent_id', 'u.disabled'])
    .select(sql<boolean>`(t.parent_id is null or p.revoked_at is null)`.as('parent_live'))
    .where('t.digest', '=', digest)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst()
}

/** A token derived from a session token: one row per session and purpose, however often it is asked for. */
export async function insertDerivedToken(
  db: Db,
  token: { parentId: number; appId: string; userId: number; deviceId: number | null; digest: string; expiresAt: Date | null },
): Promise<void> {
  await db
    .insertInto('tokens')
    .values({
      app_id: token.appId,
      kind: 'user',
      user_id: token.userId,
      device_id: token.deviceId,
      digest: token.digest,
      client: '',
      expires_at: token.expiresAt,
      revoked_at: null,
      parent_id: token.parentId,
    })
    .onConflict((c) => c.column('digest').doNothing())
    .execute()
}

/**
 * Which live tokens to revoke: a session (its token and every token derived from it); a user's tokens, narrowed to
 * one device or to all but one session; or an app's admin tokens but the one with `exceptDigest`.
 */
export type Revocation = { session: number } | { userId?: number; deviceId?: number; exceptSession?: number } | { adminOf: string; exceptDigest: string }

/** The one way tokens are revoked; returns the ids revoked (for closing their sockets). */
export async function revokeTokens(db: Db, which: Revocation): Promise<number[]> {
  let query = db
    .updateTable('tokens')
    .set({ revoked_at: sql`now()` })
    .where('revoked_at', 'is', null)
  if ('session' in which) {
    query = query.where((eb) => eb.or([eb('id', '=', which.session), eb('parent_id', '=', which.session)]))
  } else if ('adminOf' in which) {
    query = query.where('app_id', '=', which.adminOf).where('kind', '=', 'admin').where('digest', '!=', which.exceptDigest)
  } else {
    if (which.userId === undefined && which.deviceId === undefined) throw new Error('revokeTokens: name a user or a device')
    if (which.userId !== undefined) query = query.where('user_id', '=', which.userId)
    if (which.deviceId !== undefined) query = query.where('device_id', '=', which.deviceId)
    const session = which.exceptSession
    if (session !== undefined) {
      query = query.where('id', '!=', session).where((eb) => eb.or([eb('parent_id', 'is', null), eb('parent_id', '!=', session)]))
    }
  }
  const rows = await query.returning('id').execute()
  return rows.map((r) => r.id)
}

/** The app's admin token with this digest, live again if it was revoked. */
export async function upsertAdminToken(db: Db, appId: string, digest: string): Promise<void> {
  await db
    .insertInto('tokens')
    .values({ app_id: appId, kind: 'admin', user_id: null, device_id: null, digest, expires_at: null, revoked_at: null })
    .onConflict((c) => c.column('digest').doUpdateSet({ revoked_at: null }))
    .execute()
}

export async function hasAdminToken(db: Db, appId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tokens')
    .select('id')
    .where('app_id', '=', appId)
    .where('kind', '=', 'admin')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return row !== undefined
}

/** Tokens past their expiry or revoked before `before`: they can never authenticate again. */
export async function purgeTokens(db: Db, before: Date): Promise<number> {
  return deleteInBatches(db, 'tokens', sql`expires_at < ${before} or revoked_at < ${before}`)
}

/** Records the device a token (and the tokens derived from it) is used from, when it has none yet. */
export async function bindTokenDevice(db: Db, sessionTokenId: number, deviceId: number): Promise<void> {
  await db
    .updateTable('tokens')
    .set({ device_id: deviceId })
    .where((eb) => eb.or([eb('id', '=', sessionTokenId), eb('parent_id', '=', sessionTokenId)]))
    .where('device_id', 'is', null)
    .execute()
}
