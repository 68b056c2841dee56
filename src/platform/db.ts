// Kysely over pg when DATABASE_URL is set, over embedded PGlite under DATA_DIR otherwise.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { PGliteDialect } from './pglite-dialect.ts'
import type { Tables } from './tables.ts'

export type Db = Kysely<Tables>

export interface Database {
  readonly db: Db
  readonly kind: 'postgres' | 'pglite'
  ping(): Promise<void>
  close(): Promise<void>
}

// bigint (count(*), bigserial) arrives as a string from pg and a number from PGlite: make both numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  return wrap(new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), 'postgres')
}

/** Opens (or creates) the embedded database; `loadFrom` seeds a new in-memory one from a dump. */
export async function openPglite(options: { dataDir?: string; loadFrom?: Blob } = {}): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const pglite = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadFrom })
  return wrap(new Kysely<Tables>({ dialect: new PGliteDialect(pglite) }), 'pglite')
}

export async function openDatabase(config: { DATABASE_URL?: string; DATA_DIR: string }): Promise<Database> {
  return config.DATABASE_URL
    ? openPostgres(config.DATABASE_URL)
    : openPglite({ dataDir: join(config.DATA_DIR, 'pglite') })
}

function wrap(db: Db, kind: Database['kind']): Database {
  return {
    db,
    kind,
    async ping() { await sql`select 1`.execute(db) },
    async close() { await db.destroy() },
  }
}
