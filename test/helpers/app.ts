// buildTestApp(t): the whole app on a fresh database (and Redis when REDIS_URL is set); closed in teardown.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOverrides } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { freshDatabase, type TestDatabase } from './database.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop'
export const PUBLIC_URL = 'http://gateway.test'

interface Tap {
  teardown(fn: () => unknown): void
}

export interface TestApp extends FastifyInstance {
  testDatabase: TestDatabase
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-test-'))
  return loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    PUBLIC_URL,
    ADMIN_TOKEN,
    REDIS_URL: process.env.REDIS_URL,
    // Test files share one Redis: each app gets its own key space.
    REDIS_PREFIX: `imgtest:${randomBytes(4).toString('hex')}:`,
    ...env,
  })
}

export async function buildTestApp(t: Tap, options: { env?: Record<string, string>; overrides?: AppOverrides } = {}): Promise<TestApp> {
  const testDatabase = await freshDatabase()
  const config = testConfig(options.env)
  const app = (await buildApp(config, { ...options.overrides, database: testDatabase.database })) as TestApp
  app.testDatabase = testDatabase
  t.teardown(async () => {
    await app.close()
    await testDatabase.drop()
    rmSync(config.DATA_DIR, { recursive: true, force: true })
  })
  return app
}
