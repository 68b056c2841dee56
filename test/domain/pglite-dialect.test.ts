// The PGlite dialect gives each transaction the connection alone: a rollback never undoes another's write.
import t from 'tap'
import { sql } from 'kysely'
import { openPglite } from '../../src/platform/db.ts'
import { freshDatabase } from '../helpers/database.ts'

t.test('two concurrent transactions: one rolls back, the other commits and its write survives', async (t) => {
  const database = await openPglite()
  t.teardown(() => database.close())
  const db = database.db
  await sql`create table items (name text primary key)`.execute(db)
  const table = db as unknown as import('kysely').Kysely<{ items: { name: string } }>

  let releaseFirst!: () => void
  const firstMayFinish = new Promise<void>((resolve) => {
    releaseFirst = resolve
  })
  const failing = table.transaction().execute(async (trx) => {
    await trx.insertInto('items').values({ name: 'rolled-back' }).execute()
    await firstMayFinish
    throw new Error('abort')
  })
  // Queued behind the first transaction; must not see or share its session.
  const committing = table.transaction().execute(async (trx) => {
    await trx.insertInto('items').values({ name: 'kept' }).execute()
  })
  const outside = table.insertInto('items').values({ name: 'autocommit' }).execute()
  releaseFirst()
  await t.rejects(failing, /abort/)
  await committing
  await outside

  const rows = await table.selectFrom('items').select('name').orderBy('name').execute()
  t.same(
    rows.map((r) => r.name),
    ['autocommit', 'kept'],
  )
})

t.test('count(*) and bigint come back as numbers, on PGlite and pg alike', async (t) => {
  const { database, drop } = await freshDatabase()
  t.teardown(async () => {
    await database.close()
    await drop()
  })
  const { rows } = await sql<{ n: number; b: number }>`select count(*) as n, 9007199254740991::bigint as b`.execute(database.db)
  t.same(rows[0], { n: 1, b: 9007199254740991 })
})
