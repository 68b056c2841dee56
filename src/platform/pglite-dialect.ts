// Kysely dialect for embedded PGlite whose driver hands out its single connection to one holder at a time.
import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import { refuseInsideTransaction } from './transaction-guard.ts'

/** A FIFO lock: PGlite has one session, so a transaction must own it from BEGIN to COMMIT. */
class Mutex {
  #tail: Promise<void> = Promise.resolve()
  /** The holder and those waiting behind it. */
  #queued = 0

  lock(): Promise<() => void> {
    this.#queued++
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      let released = false
      release = () => {
        if (released) return
        released = true
        this.#queued--
        resolve()
      }
    })
    const acquired = this.#tail.then(() => release)
    this.#tail = this.#tail.then(() => held)
    return acquired
  }

  get queued(): number {
    return this.#queued
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, query.parameters as unknown[], { rowMode: 'object' })
    return result.affectedRows === undefined ? { rows: result.rows } : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query)
  }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection
  readonly #releases = new WeakMap<DatabaseConnection, () => void>()

  constructor(
    pglite: PGlite,
    private readonly mutex: Mutex,
  ) {
    this.#connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // Inside a transaction the one session is held by it: waiting for it here would wait forever.
    refuseInsideTransaction()
    const release = await this.mutex.lock()
    this.#releases.set(this.#connection, release)
    return this.#connection
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(connection)
    this.#releases.delete(connection)
    release?.()
  }

  async destroy(): Promise<void> {
    const release = await this.mutex.lock()
    try {
      if (!this.#connection.pglite.closed) await this.#connection.pglite.close()
    } finally {
      release()
    }
  }
}

export class PGliteDialect implements Dialect {
  readonly #mutex = new Mutex()
  constructor(readonly pglite: PGlite) {}
  /** The session's holder and those waiting for it (the metrics' pool use). */
  queued(): number {
    return this.#mutex.queued
  }
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.#mutex)
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
}
