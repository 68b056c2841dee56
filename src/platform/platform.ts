// Opens the outside world the config names: the database (migrated), Redis or its in-process stand-ins.
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { openDatabase, type Database } from './db.ts'
import { memoryBus, redisBus, type Bus } from './bus.ts'
import { memoryKv, redisKv, type Kv } from './kv.ts'
import { migrateToLatest } from './migrate.ts'
import { localFileStore, type FileStore } from './storage.ts'
import { silentLog, type PlatformLog } from './outage.ts'
import { openRedis } from './redis.ts'
import { join } from 'node:path'

export interface Platform {
  readonly database: Database
  readonly bus: Bus
  readonly kv: Kv
  readonly files: FileStore
  /** Present when REDIS_URL is set. */
  readonly redis: Redis | null
  close(): Promise<void>
}

export interface PlatformOverrides {
  /** An already migrated database (tests start from a template). */
  database?: Database
  /** A bus shared with other apps in this process (tests of several instances on the in-process bus). */
  bus?: Bus
}

export async function openPlatform(config: Config, overrides: PlatformOverrides = {}, log: PlatformLog = silentLog): Promise<Platform> {
  const database = overrides.database ?? await openDatabase(config, log)
  let redis: Redis | null = null
  try {
    if (!overrides.database) await migrateToLatest(database.db)
    if (config.REDIS_URL) {
      redis = openRedis(config, log)
      await redis.connect()
    }
  } catch (error) {
    redis?.disconnect()
    await database.close()
    throw error
  }
  const bus = overrides.bus ?? (redis ? redisBus(redis, config.REDIS_PREFIX, log) : memoryBus())
  const kv = redis ? redisKv(redis, config.REDIS_PREFIX) : memoryKv()
  const files = localFileStore(join(config.DATA_DIR, 'files'))
  return {
    database, bus, kv, redis, files,
    async close() {
      await bus.close()
      if (redis) await redis.quit().catch(() => redis?.disconnect())
      await database.close()
    },
  }
}
