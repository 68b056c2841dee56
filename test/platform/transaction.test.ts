// Inside inTransaction a stray query on the outer connection throws at once (PGlite would hang, pg would escape the transaction).
import t from 'tap'
import { sql } from 'kysely'
import { inTransaction } from '../../src/platform/transaction.ts'
import { OuterConnectionError } from '../../src/platform/transaction-guard.ts'
import { freshDatabase } from '../helpers/database.ts'

/** Fails the test instead of waiting for tap's timeout when a promise hangs (what PGlite did). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)
  })
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer))
}

t.test(`inTransaction on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, async (t) => {
  const { database, drop } = await freshDatabase()
  t.teardown(async () => {
    await database.close()
    await drop()
  })
  const db = database.db
  await sql`create table tx_probe (name text primary key)`.execute(db)
  const names = async () => (await sql<{ name: string }>`select name from tx_probe order by name`.execute(db)).rows.map((r) => r.name)

  await t.test('a query on the outer db inside the transaction throws, and the transaction rolls back', async (t) => {
    const attempt = inTransaction(db, async (trx) => {
      await sql`insert into tx_probe values ('inside')`.execute(trx)
      await sql`insert into tx_probe values ('stray')`.execute(db)
    })
    const error = await within(5_000, attempt).catch((e: unknown) => e)
    t.ok(error instanceof OuterConnectionError, 'OuterConnectionError, not a hang')
    t.match((error as Error).message, /pass the transaction \(trx\)/, 'the message names the fix')
    t.same(await names(), [], "neither the transaction's insert nor the stray one is kept")
  })

  await t.test('a nested transaction throws the same way', async (t) => {
    const attempt = inTransaction(db, async () =>
      inTransaction(db, async (inner) => {
        await sql`select 1`.execute(inner)
      }),
    )
    await t.rejects(within(5_000, attempt), OuterConnectionError)
  })

  await t.test('after the transaction, the outer db works again, also from work it left behind', async (t) => {
    let over!: () => void
    const transactionOver = new Promise<void>((resolve) => {
      over = resolve
    })
    let leftBehind!: Promise<unknown>
    await inTransaction(db, async (trx) => {
      await sql`insert into tx_probe values ('committed')`.execute(trx)
      // Registered in the transaction's async context, run only once the transaction is over.
      leftBehind = transactionOver.then(() => sql`insert into tx_probe values ('afterwards')`.execute(db))
    })
    over()
    await within(5_000, leftBehind)
    t.same(await names(), ['afterwards', 'committed'])
  })

  await t.test('a query from another request while a transaction is open is not refused', async (t) => {
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered!: () => void
    const inside = new Promise<void>((resolve) => {
      entered = resolve
    })
    const open = inTransaction(db, async (trx) => {
      await sql`insert into tx_probe values ('slow')`.execute(trx)
      entered()
      await held
    })
    await inside
    // Started outside the transaction's async context: it waits (PGlite) or runs beside it (pg), it does not throw.
    const other = sql`insert into tx_probe values ('other')`.execute(db)
    release()
    await within(5_000, Promise.all([open, other]))
    t.same(await names(), ['afterwards', 'committed', 'other', 'slow'])
  })
})
