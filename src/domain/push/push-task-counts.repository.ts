// Queries on push_task_counts: per task and channel, the devices targeted, sent to and acknowledged (the worker writes them).
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
