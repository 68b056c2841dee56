// Kysely over pg when DATABASE_URL is set, over embedded PGlite under DATA_DIR otherwise.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely'
import type pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { PGliteDialect } from './pglite-dialect.ts'
import type { Tables } from './tables.ts'
import { refuseInsideTransaction } from './transaction-guard.ts'
import { DependencyUnavailableError, isPostgresConnectionError, silentLog, type PlatformLog } from './outage.ts'
import { lazily } from './lazy.ts'

/**
 * What domain code queries through: the database or a transaction. It cannot open a transaction itself
 * (inTransaction in transaction.ts does, and guards it).
 */
export type Db = Omit<Kysely<Tables>, 'transaction' | 'connection'>

/** How busy the connections are, for the metrics. */
export interface PoolStats {
  /** Connections open. */
  total: number
  /** Open and not lent out. */
  idle: number
  /** Queries and transactions waiting for a connection. */
  waiting: number
}

export interface Database {
  readonly db: Kysely<Tables>
  readonly kind: 'postgres' | 'pglite'
  ping(): Promise<void>
  pool(): PoolStats
  close(): Promise<void>
}

const loadPg = lazily<typeof pg>('pg')

/** node-postgres, loaded by the first openPostgres (the embedded default never needs it). */
function postgresDriver(): typeof pg {
  const driver = loadPg()
  // bigint (count(*), bigserial) arrives as a string from pg and a number from PGlite: make both numbers.
  driver.types.setTypeParser(driver.types.builtins.INT8, (value) => Number(value))
  return driver
}

/** A request waits this long for a connection (PostgreSQL unreachable, or every connection busy) before it answers 503. */
const CONNECT_TIMEOUT_MS = 5_000

export function openPostgres(url: string, poolSize = 10, log: PlatformLog = silentLog): Database {
  const pool = new (postgresDriver().Pool)({ connectionString: url, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true })
  // A restart or failover ends every connection with an 'error' event ("terminating connection due to
  // administrator command"); unheard, Node would end the process. The pool drops the dead clients and
  // opens new ones when PostgreSQL answers again.
  pool.on('error', (error) => log.warn({ err: error }, 'a database connection was lost'))
  pool.on('connect', (client) => {
    // Also while a client is checked out between two queries (the pool listens only to idle ones).
    client.on('error', (error) => log.debug({ err: error }, 'database connection error'))
    // No JIT: every statement here is a short OLTP one, but one whose estimate passes jit_above_cost (a count over a
    // conversation whose statistics are skewed by one huge one) was compiled each time: 26 ms of JIT for a 1 ms query
    // (/message/unread). Set per session, not as a startup option, which PgBouncer would refuse.
    client.query('set jit = off').catch((error: unknown) => log.debug({ err: error }, 'could not turn JIT off'))
  })
  const stats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
  return wrap(new Kysely<Tables>({ dialect: new PostgresDialect({ pool: guarded(pool) }) }), 'postgres', stats)
}

/** The pool as Kysely sees it, with connection-level failures tagged as the database being unavailable. */
function guarded(pool: pg.Pool): PostgresPool {
  const tag = (error: unknown) => (isPostgresConnectionError(error) ? new DependencyUnavailableError('database', error) : error)
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    async connect() {
      refuseInsideTransaction()
      const client = await pool.connect().catch((error) => {
        throw tag(error)
      })
      let wrapped = clients.get(client)
      if (!wrapped) {
        wrapped = {
          query: ((...args: [string, unknown[]]) => {
            const result = client.query(...args) as unknown
            return result instanceof Promise
              ? result.catch((error) => {
                  throw tag(error)
                })
              : result
          }) as PostgresPoolClient['query'],
          // The pool checks the client itself: one whose connection died is discarded, not reused.
          release: () => client.release(),
        }
        clients.set(client, wrapped)
      }
      return wrapped
    },
    end: () => pool.end(),
  }
}

/** Opens (or creates) the embedded database; `loadFrom` seeds a new in-memory one from a dump. */
export async function openPglite(options: { dataDir?: string; loadFrom?: Blob } = {}): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const pglite = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadFrom })
  const dialect = new PGliteDialect(pglite)
  return wrap(new Kysely<Tables>({ dialect }), 'pglite', () => {
    // One session: open always, idle when nobody holds it, and everyone else in the dialect's queue waits.
    const queued = dialect.queued()
    return { total: 1, idle: queued === 0 ? 1 : 0, waiting: Math.max(0, queued - 1) }
  })
}

export async function openDatabase(config: { DATABASE_URL?: string; DATA_DIR: string }, log?: PlatformLog): Promise<Database> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL, 10, log) : openPglite({ dataDir: join(config.DATA_DIR, 'pglite') })
}

function wrap(db: Kysely<Tables>, kind: Database['kind'], pool: () => PoolStats): Database {
  return {
    db,
    kind,
    pool,
    async ping() {
      await sql`select 1`.execute(db)
    },
    async close() {
      await db.destroy()
    },
  }
}
