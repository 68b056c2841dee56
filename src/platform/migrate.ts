// Runs the migrations in migrations/ with Kysely's Migrator, which holds an advisory lock while it works.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { inspect } from 'node:util'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, sql, type Kysely } from 'kysely'

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await upToDate(db)) return []
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : typeof error === 'string' ? error : inspect(error)}`, {
      cause: error,
    })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Every migration of the folder has run, and no other: the Migrator would do nothing. It would first read the
 * whole catalog twice (its "does the table exist" checks: ~0.6 s of a start on PGlite) and import every migration,
 * so a start on an up-to-date database asks one question instead. Anything else (a new migration, a table missing,
 * a name unknown to this code) goes through the Migrator, which locks, applies or reports as before.
 */
async function upToDate(db: Kysely<any>): Promise<boolean> {
  const files = (await fs.readdir(migrationsFolder)).filter(isMigrationFile).map((name) => name.slice(0, name.lastIndexOf('.')))
  // The Migrator's default table, in the schema search_path names (where it creates it).
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as exists`.execute(db)
  if (!rows[0]?.exists) return false
  const done = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((row) => row.name)
  const ran = new Set(done)
  return ran.size === files.length && files.every((name) => ran.has(name))
}

/** The files Kysely's FileMigrationProvider imports. */
function isMigrationFile(name: string): boolean {
  return (
    name.endsWith('.js') || (name.endsWith('.ts') && !name.endsWith('.d.ts')) || name.endsWith('.mjs') || (name.endsWith('.mts') && !name.endsWith('.d.mts'))
  )
}
