// Opens the outside world the config names: the database (migrated), Redis or its in-process stand-ins.
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import { openDatabase, type Database } from './db.ts'
import { memoryBus, redisBus, type Bus } from './bus.ts'
import { memoryKv, redisKv, type Kv } from './kv.ts'
import { migrateToLatest } from './migrate.ts'
import { localFileStore, type FileStore } from './storage.ts'
import { s3FileStore } from './object-store/s3-store.ts'
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
  const database = overrides.database ?? (await openDatabase(config, log))
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
  const files = openFileStore(config)
  return {
    database,
    bus,
    kv,
    redis,
    files,
    async close() {
      await bus.close()
      if (redis) await redis.quit().catch(() => redis?.disconnect())
      await database.close()
    },
  }
}

/** Local disk under DATA_DIR/files by default; an S3-compatible bucket with STORAGE=s3. */
export function openFileStore(config: Config): FileStore {
  if (config.STORAGE !== 's3') return localFileStore(join(config.DATA_DIR, 'files'))
  return s3FileStore(
    {
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET!,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      publicEndpoint: config.S3_PUBLIC_ENDPOINT,
      directUploadSeconds: config.S3_DIRECT_UPLOAD ? config.S3_DIRECT_UPLOAD_SECONDS : undefined,
    },
    join(config.DATA_DIR, 'files', '.incoming'),
  )
}
