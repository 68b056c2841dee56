// Queries on verification codes: the newest live code of a target, wrong tries, single use.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import { deleteInBatches } from '../../platform/purge.ts'
import type { CodePurpose } from './accounts.types.ts'

export async function insertCode(db: Db, row: { appId: string; target: string; purpose: CodePurpose; codeDigest: string; expiresAt: Date }): Promise<number> {
  const inserted = await db
    .insertInto('verification_codes')
    .values({ app_id: row.appId, target: row.target, purpose: row.purpose, code_digest: row.codeDigest, expires_at: row.expiresAt, used_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export async function deleteCode(db: Db, id: number): Promise<void> {
  await db.deleteFrom('verification_codes').where('id', '=', id).execute()
}

/** Only the newest code of a target (of the purposes asked) counts: sending a new one retires the older ones. */
export async function newestCode(db: Db, appId: string, target: string, purposes: CodePurpose[]) {
  return db
    .selectFrom('verification_codes')
    .selectAll()
    .where('app_id', '=', appId)
    .where('target', '=', target)
    .where('purpose', 'in', purposes)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function countWrongTry(db: Db, id: number): Promise<void> {
  await db
    .updateTable('verification_codes')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .execute()
}

/** Marks the code used; false when another request used it first. */
export async function useCode(db: Db, id: number): Promise<boolean> {
  const result = await db
    .updateTable('verification_codes')
    .set({ used_at: sql`now()` })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Codes past their expiry: used or not, they can never be checked again. */
export async function purgeCodes(db: Db, before: Date): Promise<number> {
  return deleteInBatches(db, 'verification_codes', sql`expires_at < ${before}`)
}
