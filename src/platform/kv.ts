// Counters and short-lived values with expiry (rate limits, codes): Redis when REDIS_URL is set, in-process otherwise.
import type { Redis } from 'ioredis'
import { redisUnavailable } from './outage.ts'

export interface Kv {
  /** Adds one to the counter and returns the new value; a new counter expires after ttlSeconds. */
  incr(key: string, ttlSeconds: number): Promise<number>
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  del(key: string): Promise<void>
  ping(): Promise<void>
}

export function memoryKv(now: () => number = Date.now): Kv {
  const entries = new Map<string, { value: string; expiresAt: number }>()
  const live = (key: string) => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  // Expired entries are dropped on read; sweep now and then so unread ones do not pile up.
  const sweep = setInterval(() => {
    for (const key of entries.keys()) live(key)
  }, 60_000)
  sweep.unref()
  return {
    async incr(key, ttlSeconds) {
      const entry = live(key)
      const value = (entry ? Number(entry.value) : 0) + 1
      entries.set(key, { value: String(value), expiresAt: entry?.expiresAt ?? now() + ttlSeconds * 1000 })
      return value
    },
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 })
    },
    async del(key) {
      entries.delete(key)
    },
    async ping() {},
  }
}

/** Every failure is Redis being away or slow: DependencyUnavailableError, which requests answer as 503. */
export function redisKv(redis: Redis, prefix: string): Kv {
  const guard = <T>(command: Promise<T>): Promise<T> =>
    command.catch((error) => {
      throw redisUnavailable(error)
    })
  return {
    async incr(key, ttlSeconds) {
      // One round trip: INCR, and set the expiry only when this call created the counter.
      const replies = await guard(
        redis
          .multi()
          .incr(prefix + key)
          .expire(prefix + key, ttlSeconds, 'NX')
          .exec(),
      )
      if (!replies) throw redisUnavailable(new Error('the INCR transaction was aborted'))
      return replies[0]![1] as number
    },
    get: (key) => guard(redis.get(prefix + key)),
    async set(key, value, ttlSeconds) {
      await guard(redis.set(prefix + key, value, 'EX', ttlSeconds))
    },
    async del(key) {
      await guard(redis.del(prefix + key))
    },
    async ping() {
      await guard(redis.ping())
    },
  }
}
