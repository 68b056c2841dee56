// The one way to open a transaction; inside it, a query on the outer connection throws at once instead of hanging (PGlite) or escaping it (pg).
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Kysely } from 'kysely'
import type { Db } from './db.ts'
import type { Tables } from './tables.ts'

/** Set while a transaction's work runs: every async step of that work sees it. */
const running = new AsyncLocalStorage<{ open: boolean }>()

/** A query inside a transaction asked the pool for a connection of its own: a bug, whatever the database. */
export class OuterConnectionError extends Error {
  constructor() {
    super('a query inside a transaction used the outer database connection (on PGlite it would wait forever, on PostgreSQL it would run '
      + 'outside the transaction): pass the transaction (trx) to every repository function and service method the transaction\'s work calls')
    this.name = 'OuterConnectionError'
  }
}

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

/** Called by each driver whenever it takes a connection from its pool. */
export function refuseInsideTransaction(): void {
  if (running.getStore()?.open) throw new OuterConnectionError()
}
