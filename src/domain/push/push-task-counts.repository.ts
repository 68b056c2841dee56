// Queries on push_task_counts: per task and channel, the devices targeted, sent to and acknowledged (the worker writes them).
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

export interface ChannelCounts {
  taskId: number
  channel: string
  target: number
  sent: number
  received: number
}

export async function countsOf(db: Db, taskIds: number[]): Promise<ChannelCounts[]> {
  if (taskIds.length === 0) return []
  const rows = await db.selectFrom('push_task_counts').selectAll().where('task_id', 'in', taskIds).execute()
  return rows.map((r) => ({ taskId: r.task_id, channel: r.channel, target: r.target, sent: r.sent, received: r.received }))
}

/** Adds to a channel's target, sent and received counts (the row is created at the first count). */
export async function addCounts(db: Db, taskId: number, channel: string, target: number, sent: number, received = 0): Promise<void> {
  if (target === 0 && sent === 0 && received === 0) return
  await db
    .insertInto('push_task_counts')
    .values({ task_id: taskId, channel, target, sent, received })
    .onConflict((oc) =>
      oc.columns(['task_id', 'channel']).doUpdateSet({
        target: sql<number>`push_task_counts.target + excluded.target`,
        sent: sql<number>`push_task_counts.sent + excluded.sent`,
        received: sql<number>`push_task_counts.received + excluded.received`,
      }),
    )
    .execute()
}
