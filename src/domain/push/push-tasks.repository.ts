// Queries on push_tasks: a /push/notify task as it was asked for; `request_id` is unique per app.
import type { Db } from '../../platform/db.ts'

export interface NewTask {
  appId: string
  requestId: string | null
  audience: unknown
  setting: unknown
  message: unknown
  createdAt: Date
}

export interface TaskRow extends NewTask {
  id: number
}

/** The new task's id, or undefined when the app already has a task with this request id (the unique index decides, whatever the process). */
export async function insertTask(db: Db, task: NewTask): Promise<number | undefined> {
  const row = await db
    .insertInto('push_tasks')
    .values({
      app_id: task.appId,
      request_id: task.requestId,
      created_at: task.createdAt,
      audience: JSON.stringify(task.audience),
      setting: JSON.stringify(task.setting),
      message: JSON.stringify(task.message),
    })
    .onConflict((c) => c.columns(['app_id', 'request_id']).where('request_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst()
  return row?.id
}

export async function taskIdByRequest(db: Db, appId: string, requestId: string): Promise<number | undefined> {
  const row = await db.selectFrom('push_tasks').select('id').where('app_id', '=', appId).where('request_id', '=', requestId).executeTakeFirst()
  return row?.id
}

/** The app's tasks among `ids` (another app's tasks are not found). */
export async function findTasks(db: Db, appId: string, ids: number[]): Promise<TaskRow[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('push_tasks').selectAll().where('app_id', '=', appId).where('id', 'in', ids).execute()
  return rows.map((r) => ({
    id: r.id,
    appId: r.app_id,
    requestId: r.request_id,
    audience: r.audience,
    setting: r.setting,
    message: r.message,
    createdAt: r.created_at,
  }))
}

/** What the worker reads of a task. */
export interface DeliverableTask {
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

export async function findDeliverableTask(db: Db, appId: string, taskId: number): Promise<DeliverableTask | undefined> {
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
