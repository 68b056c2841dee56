// Queries on stored_files (who owns a stored file) and on what shows a picture (user and group avatars).
import type { Db } from '../../platform/db.ts'
import type { StoredFilesTable } from '../../platform/tables.ts'
import type { Insertable, Selectable } from 'kysely'

export type StoredFileRow = Selectable<StoredFilesTable>

export async function insertStoredFile(db: Db, row: Insertable<StoredFilesTable>): Promise<void> {
  await db.insertInto('stored_files').values(row).execute()
}

/** The record, locked until the transaction ends: `share` while a claim commits, `update` to remove it. */
export async function lockStoredFile(db: Db, path: string, mode: 'share' | 'update'): Promise<StoredFileRow | undefined> {
  const query = db.selectFrom('stored_files').selectAll().where('path', '=', path)
  return (mode === 'share' ? query.forShare() : query.forUpdate()).executeTakeFirst()
}

export async function deleteStoredFile(db: Db, path: string): Promise<void> {
  await db.deleteFrom('stored_files').where('path', '=', path).execute()
}

/** A picture uploaded before its group existed (facade create) becomes the group's. */
export async function giveToGroup(db: Db, path: string, groupId: number): Promise<void> {
  await db.updateTable('stored_files').set({ owner_group_id: groupId }).where('path', '=', path).where('owner_group_id', 'is', null).execute()
}

/** Whether any user or group (of any app) still shows `reference` (`files/<path>`); the partial indexes answer it. */
export async function isShown(db: Db, reference: string): Promise<boolean> {
  const user = await db.selectFrom('users').select('id').where('avatar', '=', reference).where('avatar', 'like', 'files/%').limit(1).executeTakeFirst()
  if (user) return true
  const group = await db.selectFrom('groups').select('id').where('avatar', '=', reference).where('avatar', 'like', 'files/%').limit(1).executeTakeFirst()
  return group !== undefined
}

/** The file an avatar upload ticket stored (the ticket's download_url names the ticket). */
export async function ticketPicture(db: Db, ticketId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('uploads').select('stored_path').where('id', '=', ticketId).where('purpose', '!=', 'chat').executeTakeFirst()
  return row?.stored_path
}
