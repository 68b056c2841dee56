// Live WebSocket connections per process, in the database so every process sees every other's.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

/** A process is believed while its heartbeat is younger than this. */
const PROCESS_STALE_SECONDS = 15

/** True when the process's row had to be created: new, or forgotten by others after a long silence (a database outage). */
export async function heartbeat(db: Db, processId: string): Promise<boolean> {
  const row = await db
    .insertInto('presence_processes')
    .values({ process_id: processId })
    .onConflict((oc) => oc.column('process_id').doUpdateSet({ seen_at: sql`now()` }))
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow()
  return row.created
}

/** Sets this process's connection counts anew (after its rows were forgotten). */
export async function restoreConnections(db: Db, processId: string, counts: Map<number, number>): Promise<void> {
  if (counts.size === 0) return
  await db
    .insertInto('presence_connections')
    .values([...counts].map(([userId, connections]) => ({ process_id: processId, user_id: userId, connections })))
    .onConflict((oc) => oc.columns(['process_id', 'user_id']).doUpdateSet({ connections: sql`excluded.connections` }))
    .execute()
}

export async function addConnection(db: Db, processId: string, userId: number, delta: 1 | -1): Promise<void> {
  if (delta === 1) {
    await db
      .insertInto('presence_connections')
      .values({ process_id: processId, user_id: userId, connections: 1 })
      .onConflict((oc) => oc.columns(['process_id', 'user_id']).doUpdateSet({ connections: sql`presence_connections.connections + 1` }))
      .execute()
    return
  }
  await db
    .updateTable('presence_connections')
    .set({ connections: sql`connections - 1` })
    .where('process_id', '=', processId)
    .where('user_id', '=', userId)
    .execute()
  await db.deleteFrom('presence_connections').where('process_id', '=', processId).where('user_id', '=', userId).where('connections', '<=', 0).execute()
}

export async function isOnline(db: Db, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('presence_connections as c')
    .innerJoin('presence_processes as p', 'p.process_id', 'c.process_id')
    .select('c.user_id')
    .where('c.user_id', '=', userId)
    .where('p.seen_at', '>', sql<Date>`now() - make_interval(secs => ${PROCESS_STALE_SECONDS})`)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Live sockets per user over every live process: of the users listed, or (`'all'`) of every user of the app.
 * Users without a live socket are absent.
 */
export async function liveSockets(db: Db, appId: string, userIds: number[] | 'all'): Promise<Map<number, number>> {
  if (userIds !== 'all' && userIds.length === 0) return new Map()
  let query = db
    .selectFrom('presence_connections as c')
    .innerJoin('presence_processes as p', 'p.process_id', 'c.process_id')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.user_id', sql<number>`sum(c.connections)::int`.as('sockets')])
    .where('u.app_id', '=', appId)
    .where('c.connections', '>', 0)
    .where('p.seen_at', '>', sql<Date>`now() - make_interval(secs => ${PROCESS_STALE_SECONDS})`)
    .groupBy('c.user_id')
  if (userIds !== 'all') query = query.where('c.user_id', 'in', userIds)
  const rows = await query.execute()
  return new Map(rows.map((r) => [r.user_id, Number(r.sockets)]))
}

/** Forgets a process (its connections go with it): on close, and for processes long dead. */
export async function forgetProcesses(db: Db, processId: string | null, deadForSeconds = 60): Promise<void> {
  if (processId !== null) {
    await db.deleteFrom('presence_processes').where('process_id', '=', processId).execute()
    return
  }
  await db
    .deleteFrom('presence_processes')
    .where('seen_at', '<', sql<Date>`now() - make_interval(secs => ${deadForSeconds})`)
    .execute()
}
