// Queries on push_outbox that record work: a /push/notify task waits here, due at its show time, for the push worker.
import type { Db } from '../../platform/db.ts'

export async function enqueueTask(db: Db, appId: string, taskId: number, dueAt: Date, createdAt: Date): Promise<void> {
  await db.insertInto('push_outbox').values({ app_id: appId, kind: 'task', task_id: taskId, message_id: null, due_at: dueAt, created_at: createdAt }).execute()
}
