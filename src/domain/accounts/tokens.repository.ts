// Queries on the one token store of every surface; tokens are looked up by their SHA-256 digest only.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import { deleteInBatches } from '../../platform/purge.ts'

export async function insertToken(
  db: Db,
  token: { appId: string; kind: 'user' | 'admin'; userId: number | null; deviceId: number | null; digest: string; client: string; expiresAt: Date | null },
): Promise<number> {
  const row = await db.insertInto('tokens')
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

/** The live token with that digest and whether its user may act; expiry is the caller's to judge. */
export async function findLiveToken(db: Db, digest: string) {
  return db.selectFrom('tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.app_id', 't.kind', 't.user_id', 't.device_id', 't.expires_at', 't.client', 'u.disabled'])
    .where('t.digest', '=', digest)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst()
}

export async function revokeToken(db: Db, tokenId: number): Promise<void> {
  await db.updateTable('tokens').set({ revoked_at: sql`now()` }).where('id', '=', tokenId).where('revoked_at', 'is', null).execute()
}

/** Revokes every live token of the user and returns their ids (for closing their sockets). */
export async function revokeUserTokens(db: Db, userId: number): Promise<number[]> {
  const rows = await db.updateTable('tokens').set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId).where('revoked_at', 'is', null)
    .returning('id').execute()
  return rows.map((r) => r.id)
}

export async function hasAdminToken(db: Db, appId: string): Promise<boolean> {
  const row = await db.selectFrom('tokens').select('id')
    .where('app_id', '=', appId).where('kind', '=', 'admin').where('revoked_at', 'is', null)
    .executeTakeFirst()
  return row !== undefined
}

/** Tokens past their expiry or revoked before `before`: they can never authenticate again. */
export async function purgeTokens(db: Db, before: Date): Promise<number> {
  return deleteInBatches(db, 'tokens', sql`expires_at < ${before} or revoked_at < ${before}`)
}
