// The Redis command connection: fails fast while Redis is away, reconnects by itself, and says so in the log once.
import type { Redis } from 'ioredis'
import { lazily } from './lazy.ts'
import type { Config } from '../config.ts'
import type { PlatformLog } from './outage.ts'

/**
 * Redis commands fail at once while Redis is unreachable (no offline queue) and after
 * REDIS_COMMAND_TIMEOUT_MS when it does not answer, so a request that needs Redis answers 503 instead
 * of waiting; reconnection is retried every second at most, so recovery needs no restart.
 */
const ioredis = lazily<typeof import('ioredis')>('ioredis')

export function openRedis(config: Pick<Config, 'REDIS_URL' | 'REDIS_COMMAND_TIMEOUT_MS'>, log: PlatformLog): Redis {
  // Loaded here: without REDIS_URL the process never needs the client.
  const redis = new (ioredis().Redis)(config.REDIS_URL!, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  watchConnection(redis, 'Redis', log)
  return redis
}

/** Logs an outage once (not every reconnection attempt) and its end; an 'error' with a listener never reaches the console. */
export function watchConnection(redis: Redis, name: string, log: PlatformLog): void {
  let lost = false
  redis.on('error', (error) => {
    if (lost) log.debug({ err: error }, `${name} connection error`)
    else log.warn({ err: error }, `${name} connection error`)
    lost = true
  })
  redis.on('ready', () => {
    if (lost) log.info({}, `${name} connection restored`)
    lost = false
  })
}
