// What the comparisons hit: one database, the app and the bare server listening on it side by side, and one registered user.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/platform/db.ts'
import { migrateToLatest } from '../../src/platform/migrate.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { bareServer } from './bare.ts'

/** A fixed admin token, so the app does not generate and print one. */
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijkl'

export interface Fixture {
  /** http://127.0.0.1:port of the whole app. */
  appUrl: string
  /** http://127.0.0.1:port of the bare Fastify. */
  bareUrl: string
  user: TestUser
  /** Another registered user, the peer of the user's conversations. */
  peer: TestUser
  databaseKind: Database['kind']
  /** The database both servers use, for fixtures that are cheaper written directly (a 5,000-member group). */
  db: Database['db']
  /** The conversation the bare INSERT writes to. */
  bareConversation: { id: number }
  close(): Promise<void>
}

function baseUrl(server: FastifyInstance): string {
  const address = server.server.address()
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP')
  return `http://127.0.0.1:${address.port}`
}

/** PGlite in a temporary DATA_DIR unless DATABASE_URL is set; Redis when REDIS_URL is set. */
export async function openFixture(): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-bench-'))
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    // The load comes from one address: the per-address limit would answer it instead of the routes.
    RATE_LIMIT_PER_MINUTE: '0',
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    // Keys and channels of its own, apart from any server sharing that Redis.
    REDIS_PREFIX: `imgbench:${randomBytes(4).toString('hex')}:`,
  })
  const servers: FastifyInstance[] = []
  let closed: Promise<void> | undefined
  // Idempotent: an interrupt and the normal end of the run may both ask.
  const close = () =>
    (closed ??= (async () => {
      // The bare server first: the app's close also closes the database both of them use.
      for (const server of [...servers].reverse()) await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    })())
  try {
    // Opened here rather than by buildApp, so the bare server can be handed the very same Kysely
    // (same PGlite session, or same pg pool). buildApp migrates only what it opens itself.
    const database = await openDatabase(config)
    try {
      await migrateToLatest(database.db)
    } catch (error) {
      await database.close()
      throw error
    }
    // From here the app owns the database: it closes it on close, or on a failed build.
    const app = await buildApp(config, { database })
    servers.push(app)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const bareConversation = { id: 0 }
    const bare = bareServer(database.db, () => bareConversation.id)
    servers.push(bare)
    await bare.listen({ host: '127.0.0.1', port: 0 })
    // A fresh name each run: with DATABASE_URL the database outlives the run.
    const user = await registerUser(app, `bench_${randomBytes(6).toString('hex')}`)
    const peer = await registerUser(app, `bench_${randomBytes(6).toString('hex')}`)
    return {
      appUrl: baseUrl(app),
      bareUrl: baseUrl(bare),
      user,
      peer,
      databaseKind: database.kind,
      db: database.db,
      bareConversation,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
