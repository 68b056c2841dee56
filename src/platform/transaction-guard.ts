// The guard every driver asks before handing out a connection: refused while a transaction's work runs in this async context.
import { AsyncLocalStorage } from 'node:async_hooks'

/** Set while a transaction's work runs: every async step of that work sees it. */
export const running = new AsyncLocalStorage<{ open: boolean }>()

/** A query inside a transaction asked the pool for a connection of its own: a bug, whatever the database. */
export class OuterConnectionError extends Error {
  constructor() {
    super(
      'a query inside a transaction used the outer database connection (on PGlite it would wait forever, on PostgreSQL it would run ' +
        "outside the transaction): pass the transaction (trx) to every repository function and service method the transaction's work calls",
    )
    this.name = 'OuterConnectionError'
  }
}

/** Called by each driver whenever it takes a connection from its pool. */
export function refuseInsideTransaction(): void {
  if (running.getStore()?.open) throw new OuterConnectionError()
}
