// The one way to open a transaction; inside it, a query on the outer connection throws at once instead of hanging (PGlite) or escaping it (pg).
import type { Kysely } from 'kysely'
import type { Db } from './db.ts'
import type { Tables } from './tables.ts'
import { running } from './transaction-guard.ts'

/**
 * Runs `work` in one transaction (committed when it resolves, rolled back when it throws). While it runs, a
 * connection taken from the pool in its async context — a repository handed the outer `db`, a nested
 * transaction — fails with OuterConnectionError.
 */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const scope = { open: true }
  try {
    return await (db as Kysely<Tables>).transaction().execute((trx) => running.run(scope, () => work(trx)))
  } finally {
    // Work the transaction left behind (a promise it did not await) may use the pool once it is over.
    scope.open = false
  }
}
