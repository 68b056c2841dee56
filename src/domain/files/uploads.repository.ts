// Queries on uploads (tickets and the chat files and pictures stored through them); plain functions over a Kysely instance or transaction.
import { sql, type Insertable } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { UploadsTable } from '../../platform/tables.ts'

export async function insertUpload(db: Db, upload: Insertable<UploadsTable>): Promise<void> {
  await db.insertInto('uploads').values(upload).execute()
}

export async function findUpload(db: Db, id: string) {
  return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Marks the ticket used by this file; false when it was used already (one upload per ticket). */
export async function claimUpload(db: Db, id: string, stored: { path: string; size: number; mime: string }): Promise<boolean> {
  const claimed = await db
    .updateTable('uploads')
    .set({ stored_path: stored.path, size: stored.size, mime: stored.mime, uploaded_at: sql`now()` })
    .where('id', '=', id)
    .where('uploaded_at', 'is', null)
    .executeTakeFirst()
  return Number(claimed.numUpdatedRows) === 1
}

export async function findChatUpload(db: Db, appId: string, id: string) {
  return db
    .selectFrom('uploads')
    .select(['stored_path', 'mime', 'uploaded_at'])
    .where('id', '=', id)
    .where('app_id', '=', appId)
    .where('purpose', '=', 'chat')
    .executeTakeFirst()
}

/** An avatar or cover upload by its ticket id. */
export async function findPictureUpload(db: Db, id: string) {
  return db.selectFrom('uploads').select(['stored_path', 'mime', 'uploaded_at']).where('id', '=', id).where('purpose', '!=', 'chat').executeTakeFirst()
}

/** Marks a direct upload's ticket used, with what the store holds at its fixed key; false when it was used already. */
export async function claimDirectUpload(db: Db, id: string, stored: { size: number; mime: string }): Promise<boolean> {
  const claimed = await db
    .updateTable('uploads')
    .set({ size: stored.size, mime: stored.mime, uploaded_at: sql`now()` })
    .where('id', '=', id)
    .where('uploaded_at', 'is', null)
    .executeTakeFirst()
  return Number(claimed.numUpdatedRows) === 1
}
