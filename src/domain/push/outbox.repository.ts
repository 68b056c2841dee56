// The push_outbox table: rows recorded with a message (or a task), claimed with a lease under SKIP LOCKED, rescheduled or deleted.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

export interface OutboxRow {
  id: number
  appId: string
  kind: 'message' | 'task'
  messageId: number | null
  taskId: number | null
  /** `done`: device ids already sent to by an earlier attempt (never sent to again); `rung`: a task's socket frame went out. */
  payload: { done?: number[]; rung?: boolean }
  attempts: number
  /** Milliseconds left of the acknowledgement window that began when the row was recorded (0 once it is over). */
  ackWaitMs: number
}

/** One row per message, in the send's transaction. */
export async function recordMessages(db: Db, appId: string, messageIds: number[]): Promise<void> {
  if (messageIds.length === 0) return
  await db
    .insertInto('push_outbox')
    .values(messageIds.map((id) => ({ app_id: appId, kind: 'message' as const, message_id: id })))
    .execute()
}

/**
 * Takes up to `limit` due rows in one statement: SKIP LOCKED lets several workers take different rows at
 * once, and pushing due_at past the lease keeps the others off them until this worker is done. A worker
 * that dies leaves its rows to be taken again when the lease ends.
 */
export async function claimDue(db: Db, kinds: Array<OutboxRow['kind']>, limit: number, leaseSeconds: number, ackWindowMs: number): Promise<OutboxRow[]> {
  const result = await sql<{
    id: string | number
    app_id: string
    kind: 'message' | 'task'
    message_id: string | number | null
    task_id: string | number | null
    payload: unknown
    attempts: number
    ack_wait_ms: string | number
  }>`
    update push_outbox set due_at = now() + make_interval(secs => ${leaseSeconds})
    where id in (select id from push_outbox where due_at <= now() and kind in (${sql.join(kinds)}) order by due_at, id limit ${limit} for update skip locked)
    returning id, app_id, kind, message_id, task_id, payload, attempts,
      greatest(0, ceil(extract(epoch from (created_at + make_interval(secs => ${ackWindowMs / 1000}) - now())) * 1000)) as ack_wait_ms`.execute(db)
  return result.rows.map((r) => ({
    id: Number(r.id),
    appId: r.app_id,
    kind: r.kind,
    messageId: r.message_id === null ? null : Number(r.message_id),
    taskId: r.task_id === null ? null : Number(r.task_id),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : (r.payload ?? {})) as OutboxRow['payload'],
    attempts: r.attempts,
    ackWaitMs: Number(r.ack_wait_ms),
  }))
}

export async function deleteRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom('push_outbox').where('id', '=', id).execute()
}

/** Tries again after `delayMs`, remembering the devices already served. */
export async function reschedule(db: Db, id: number, delayMs: number, payload: OutboxRow['payload']): Promise<void> {
  await db
    .updateTable('push_outbox')
    .set({
      due_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
      attempts: sql<number>`attempts + 1`,
      payload: JSON.stringify(payload),
    })
    .where('id', '=', id)
    .execute()
}

/** Comes back after `delayMs` without counting an attempt: recipients whose socket may still acknowledge. */
export async function defer(db: Db, id: number, delayMs: number, payload: OutboxRow['payload']): Promise<void> {
  await db
    .updateTable('push_outbox')
    .set({ due_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`, payload: JSON.stringify(payload) })
    .where('id', '=', id)
    .execute()
}

/** Rows waiting (due or not): for tests and operations. */
export async function countPending(db: Db): Promise<number> {
  const row = await db
    .selectFrom('push_outbox')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}

/** A /push/notify task waits here, due at its show time, for the push worker. */
export async function enqueueTask(db: Db, appId: string, taskId: number, dueAt: Date, createdAt: Date): Promise<void> {
  await db.insertInto('push_outbox').values({ app_id: appId, kind: 'task', task_id: taskId, message_id: null, due_at: dueAt, created_at: createdAt }).execute()
}
