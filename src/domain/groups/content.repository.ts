// Queries on group announcements and shared files; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { GroupAnnouncementRow, GroupFileRow } from '../../platform/tables.ts'
import type { Announcement, SharedFile } from './groups.types.ts'

function toAnnouncement(row: GroupAnnouncementRow): Announcement {
  return { id: row.id, groupId: row.group_id, authorId: row.author_id, title: row.title, content: row.content, createdAt: row.created_at.getTime() }
}

function toSharedFile(row: GroupFileRow): SharedFile {
  return {
    id: row.id,
    groupId: row.group_id,
    uploaderId: row.uploader_id,
    name: row.name,
    size: Number(row.size),
    type: row.type,
    url: row.url,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  }
}

// ---- announcements

export async function insertAnnouncement(db: Db, groupId: number, authorId: number | null, title: string, content: string): Promise<Announcement> {
  const row = await db
    .insertInto('group_announcements')
    .values({ group_id: groupId, author_id: authorId, title, content })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toAnnouncement(row)
}

export async function findAnnouncement(db: Db, groupId: number, id: number): Promise<Announcement | undefined> {
  const row = await db.selectFrom('group_announcements').selectAll().where('group_id', '=', groupId).where('id', '=', id).executeTakeFirst()
  return row && toAnnouncement(row)
}

export async function latestAnnouncement(db: Db, groupId: number): Promise<Announcement | undefined> {
  const row = await db.selectFrom('group_announcements').selectAll().where('group_id', '=', groupId).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row && toAnnouncement(row)
}

/** The newest announcement of each group, for lists that print a `notice` per group. */
export async function latestAnnouncements(db: Db, groupIds: number[]): Promise<Map<number, Announcement>> {
  if (groupIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('group_announcements')
    .selectAll()
    .distinctOn('group_id')
    .where('group_id', 'in', groupIds)
    .orderBy('group_id')
    .orderBy('id', 'desc')
    .execute()
  return new Map(rows.map((r) => [r.group_id, toAnnouncement(r)]))
}

export async function listAnnouncements(db: Db, groupId: number): Promise<Announcement[]> {
  const rows = await db.selectFrom('group_announcements').selectAll().where('group_id', '=', groupId).orderBy('id', 'desc').execute()
  return rows.map(toAnnouncement)
}

export async function deleteAnnouncement(db: Db, groupId: number, id: number): Promise<boolean> {
  const rows = await db.deleteFrom('group_announcements').where('group_id', '=', groupId).where('id', '=', id).returning('id').execute()
  return rows.length > 0
}

// ---- shared files

export async function insertSharedFile(
  db: Db,
  file: { groupId: number; uploaderId: number | null; name: string; size: number; type: string; url: string },
): Promise<SharedFile> {
  const row = await db
    .insertInto('group_files')
    .values({
      group_id: file.groupId,
      uploader_id: file.uploaderId,
      name: file.name,
      size: file.size,
      type: file.type,
      url: file.url,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toSharedFile(row)
}

export async function findSharedFiles(db: Db, groupId: number, ids: number[]): Promise<Map<number, SharedFile>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('group_files').selectAll().where('group_id', '=', groupId).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, toSharedFile(r)]))
}

export async function listSharedFiles(db: Db, groupId: number): Promise<SharedFile[]> {
  const rows = await db.selectFrom('group_files').selectAll().where('group_id', '=', groupId).orderBy('id').execute()
  return rows.map(toSharedFile)
}

export async function renameSharedFile(db: Db, id: number, name: string): Promise<void> {
  await db
    .updateTable('group_files')
    .set({ name, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

export async function deleteSharedFiles(db: Db, groupId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return
  await db.deleteFrom('group_files').where('group_id', '=', groupId).where('id', 'in', ids).execute()
}
