// Queries on apps (tenants); plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

/** Serialises the processes that start together, so that they create one default app and one admin token. */
export async function lockDefaultApp(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('im-gateway:default-app'))`.execute(trx)
}

export async function insertAppIfMissing(db: Db, appId: string): Promise<void> {
  await db
    .insertInto('apps')
    .values({ id: appId, name: appId })
    .onConflict((c) => c.doNothing())
    .execute()
}

export async function appExists(db: Db, appId: string): Promise<boolean> {
  return (await db.selectFrom('apps').select('id').where('id', '=', appId).executeTakeFirst()) !== undefined
}
