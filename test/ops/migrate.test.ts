// Migrations: `npm run migrate` applies them once; concurrent runs on PostgreSQL serialise on the lock.
import t from 'tap'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { openPostgres } from '../../src/platform/db.ts'
import { migrateToLatest, migrationsFolder } from '../../src/platform/migrate.ts'
import { dropDatabase } from '../helpers/database.ts'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
// Each CLI run is a real process on a new embedded database: seconds, not milliseconds.
t.setTimeout(180_000)

t.test('npm run migrate on the embedded database: applies, then has nothing to do', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-migrate-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir }
  const first = await run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { cwd: root, env })
  t.match(first.stdout, /^applied: 0001_foundation/)
  const second = await run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { cwd: root, env })
  t.equal(second.stdout, 'already at the latest migration\n')
})

t.test(
  'two processes migrating one PostgreSQL database at once: both succeed, each migration runs once',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL' },
  async (t) => {
    const base = new URL(process.env.DATABASE_URL!)
    const name = `img_t_migrate_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: base.toString() })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(base)
    url.pathname = `/${name}`
    const a = openPostgres(url.toString(), 2)
    const b = openPostgres(url.toString(), 2)
    // Pools first: dropping the database under a live connection kills it, and the pool reports that as an uncaught error.
    t.teardown(async () => {
      await a.close()
      await b.close()
      await dropDatabase(base.toString(), name)
    })
    const [appliedA, appliedB] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)])
    const every = readdirSync(migrationsFolder)
      .map((file) => file.replace(/\.ts$/, ''))
      .sort()
    t.same([...appliedA, ...appliedB].sort(), every, 'each applied by exactly one of them')
  },
)

t.test('the shortcut for an up-to-date database hides nothing the Migrator would find', async (t) => {
  const { openPglite } = await import('../../src/platform/db.ts')
  const { sql } = await import('kysely')
  const database = await openPglite()
  t.teardown(() => database.close())
  const all = await migrateToLatest(database.db)
  t.ok(all.length > 0, 'a new database gets every migration')
  t.same(await migrateToLatest(database.db), [], 'then nothing to do')
  const last = all.at(-1)!
  await sql`delete from kysely_migration where name = ${last}`.execute(database.db)
  await t.rejects(migrateToLatest(database.db), new RegExp(`migration ${last} failed`), 'a migration not recorded is run again (its tables exist: it fails)')
  await sql`insert into kysely_migration (name, timestamp) values (${last}, 'x'), ('9999_from_a_newer_version', 'x')`.execute(database.db)
  await t.rejects(migrateToLatest(database.db), /9999_from_a_newer_version/, 'a migration this code does not know: reported, not skipped')
})
