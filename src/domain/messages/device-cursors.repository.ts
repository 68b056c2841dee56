// Queries on xsync_cursors: how far each device has been sent each conversation (the per-device cursor of xsync).
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

export async function cursorOf(db: Db, deviceId: number, conversationId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('xsync_cursors')
    .select('synced_seq')
    .where('device_id', '=', deviceId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst()
  return row === undefined ? undefined : Number(row.synced_seq)
}

/** The device's cursors in these conversations (absent: never pulled there). */
export async function cursorsOf(db: Db, deviceId: number, conversationIds: number[]): Promise<Map<number, number>> {
  if (conversationIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('xsync_cursors')
    .select(['conversation_id', 'synced_seq'])
    .where('device_id', '=', deviceId)
    .where('conversation_id', 'in', conversationIds)
    .execute()
  return new Map(rows.map((r) => [Number(r.conversation_id), Number(r.synced_seq)]))
}

/** Moves the cursor forward only (two pulls racing never move it back). */
export async function moveCursor(db: Db, deviceId: number, conversationId: number, seq: number): Promise<void> {
  await db
    .insertInto('xsync_cursors')
    .values({ device_id: deviceId, conversation_id: conversationId, synced_seq: seq })
    .onConflict((oc) =>
      oc.columns(['device_id', 'conversation_id']).doUpdateSet({ synced_seq: sql<number>`greatest(xsync_cursors.synced_seq, excluded.synced_seq)` }),
    )
    .execute()
}
