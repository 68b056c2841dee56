// What the worker reads of a POST /push/notify task (push_tasks) and the per-channel counts it keeps (push_task_counts).
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

export interface TaskRow {
  id: number
  appId: string
  audience: unknown
  setting: Record<string, unknown>
  message: Record<string, unknown>
}

/** jsonb as the driver hands it: parsed already, or (a JSON string value such as "all") as text. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

export async function findTask(db: Db, appId: string, taskId: number): Promise<TaskRow | undefined> {
  const row = await db
    .selectFrom('push_tasks')
    .select(['id', 'app_id', 'audience', 'setting', 'message'])
    .where('app_id', '=', appId)
    .where('id', '=', taskId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: Number(row.id),
    appId: row.app_id,
    audience: parsed(row.audience),
    setting: (parsed(row.setting) ?? {}) as Record<string, unknown>,
    message: (parsed(row.message) ?? {}) as Record<string, unknown>,
  }
}

/** Adds to a channel's target and sent counts (the row is created at the first count). */
export async function addCounts(db: Db, taskId: number, channel: string, target: number, sent: number): Promise<void> {
  if (target === 0 && sent === 0) return
  await db
    .insertInto('push_task_counts')
    .values({ task_id: taskId, channel, target, sent })
    .onConflict((oc) =>
      oc.columns(['task_id', 'channel']).doUpdateSet({
        target: sql<number>`push_task_counts.target + excluded.target`,
        sent: sql<number>`push_task_counts.sent + excluded.sent`,
      }),
    )
    .execute()
}
