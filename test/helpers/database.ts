// A fresh migrated database per test, cheaply: PGlite loaded from a migrated dump, or pg CREATE DATABASE … TEMPLATE.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { openPglite, openPostgres, type Database } from '../../src/platform/db.ts'
import { PGliteDialect } from '../../src/platform/pglite-dialect.ts'
import { migrateToLatest, migrationsFolder } from '../../src/platform/migrate.ts'

const cacheDir = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'im-gateway-test')

/** Changes whenever a migration changes, so a stale template is never used. */
function migrationsHash(): string {
  const hash = createHash('sha256')
  for (const name of readdirSync(migrationsFolder).sort()) hash.update(name).update(readFileSync(join(migrationsFolder, name)))
  return hash.digest('hex').slice(0, 16)
}

async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(cacheDir, { recursive: true })
  const lock = join(cacheDir, `${name}.lock`)
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test process holds it; a lock older than two minutes is from a crashed run.
      if (Date.now() - started > 120_000) rmSync(lock, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

let pgliteTemplate: Blob | undefined

async function pgliteDump(): Promise<Blob> {
  if (pgliteTemplate) return pgliteTemplate
  const file = join(cacheDir, `pglite-${migrationsHash()}.tar.gz`)
  if (!existsSync(file)) {
    await withLock('pglite', async () => {
      if (existsSync(file)) return
      const pglite = await PGlite.create()
      const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) })
      await migrateToLatest(db)
      const dump = await pglite.dumpDataDir('gzip')
      await db.destroy()
      writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()))
      renameSync(`${file}.tmp`, file)
    })
  }
  pgliteTemplate = new Blob([readFileSync(file)])
  return pgliteTemplate
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

async function adminQuery(base: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

async function postgresTemplate(base: string): Promise<string> {
  const name = `img_tpl_${migrationsHash()}`
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  try {
    await client.query(`select pg_advisory_lock(hashtext('im-gateway-test-template'))`)
    const exists = await client.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount === 0) {
      await client.query(`create database ${name}`)
      const template = openPostgres(databaseUrl(base, name), 1)
      try {
        await migrateToLatest(template.db)
      } catch (error) {
        await template.close()
        await client.query(`drop database ${name}`)
        throw error
      }
      await template.close()
    }
  } finally {
    await client.end()
  }
  return name
}

export interface TestDatabase {
  database: Database
  /** Where a second process would connect (pg only). */
  url?: string
  drop: () => Promise<void>
}

/** A new, migrated, empty database: on PostgreSQL when DATABASE_URL is set, else embedded. */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL
  if (!base) {
    const database = await openPglite({ loadFrom: await pgliteDump() })
    return { database, drop: async () => {} }
  }
  const template = await postgresTemplate(base)
  const name = `img_t_${randomBytes(6).toString('hex')}`
  await adminQuery(base, `create database ${name} template ${template}`)
  const url = databaseUrl(base, name)
  const database = openPostgres(url, 5)
  return {
    database,
    url,
    drop: () => dropDatabase(base, name),
  }
}

/**
 * A fresh database with one migration undone, for a test that writes data as it was before the
 * migration and then runs its up(); closed and dropped in teardown.
 */
export async function databaseBefore(t: { teardown(fn: () => unknown): void }, migration: { down(db: Kysely<any>): Promise<void> }): Promise<Kysely<any>> {
  const testDatabase = await freshDatabase()
  t.teardown(async () => {
    await testDatabase.database.close()
    await testDatabase.drop()
  })
  await migration.down(testDatabase.database.db)
  return testDatabase.database.db
}

/**
 * Drops a test database once the connections of closed pools are gone. A pool's end() resolves
 * before its sockets have closed; dropping `with (force)` then kills a client that is still
 * closing, and pg reports that as an uncaught error that fails the test file now and then.
 */
export async function dropDatabase(base: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  try {
    for (let i = 0; i < 50; i++) {
      const left = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
      if (left.rows[0].n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await client.query(`drop database if exists ${name} with (force)`)
  } finally {
    await client.end()
  }
}
