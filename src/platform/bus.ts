// Publish/subscribe between processes: Redis when REDIS_URL is set, in-process otherwise.
import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'
import { silentLog, type PlatformLog } from './outage.ts'
import { watchConnection } from './redis.ts'

export type BusHandler = (message: string) => void

export interface Bus {
  /**
   * Rings a doorbell. Never rejects: what is announced is already committed, so a doorbell that cannot
   * be rung (Redis down) is lost and clients catch up by sequence number.
   */
  publish(channel: string, message: string): Promise<void>
  /** Resolves once the subscription is live; the returned function unsubscribes. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>
  /**
   * `handler` runs whenever this process's subscriptions are live again after an interruption:
   * doorbells published meanwhile never reached it.
   */
  onResumed(handler: () => void): void
  close(): Promise<void>
}

export function memoryBus(): Bus {
  const emitter = new EventEmitter().setMaxListeners(0)
  return {
    async publish(channel, message) {
      // Delivered on a later tick, as over the network: a publisher never runs subscribers inline.
      queueMicrotask(() => emitter.emit(channel, message))
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler)
      return async () => {
        emitter.off(channel, handler)
      }
    },
    // Nothing between publisher and subscriber can fail.
    onResumed() {},
    async close() {
      emitter.removeAllListeners()
    },
  }
}

/** `publisher` is the shared command connection; subscriptions get a dedicated duplicate of it. */
export function redisBus(publisher: Redis, prefix: string, log: PlatformLog = silentLog): Bus {
  // Subscriptions wait for the connection (they are made at start-up and renewed by ioredis after a reconnection).
  const subscriber = publisher.duplicate({ enableOfflineQueue: true })
  watchConnection(subscriber, 'Redis subscriber', log)
  const handlers = new Map<string, Set<BusHandler>>()
  const resumed: Array<() => void> = []
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message)
  })
  let interrupted = false
  subscriber.on('close', () => {
    if (handlers.size > 0) interrupted = true
  })
  subscriber.on('ready', () => {
    if (!interrupted || handlers.size === 0) return
    interrupted = false
    // ioredis renews the subscriptions on 'ready'; subscribing again (a no-op for Redis) resolves once they are live.
    subscriber.subscribe(...handlers.keys()).then(
      () => {
        for (const handler of resumed) handler()
      },
      (error: unknown) => log.warn({ err: error }, 'could not renew the Redis subscriptions'),
    )
  })
  return {
    async publish(channel, message) {
      await publisher.publish(prefix + channel, message).catch((error: unknown) => {
        // The connection's watcher already warned of the outage: one line per lost doorbell is detail.
        log.debug({ err: error, channel }, 'a doorbell was lost: Redis did not take it')
      })
    },
    onResumed(handler) {
      resumed.push(handler)
    },
    async subscribe(channel, handler) {
      const key = prefix + channel
      let set = handlers.get(key)
      if (!set) {
        set = new Set()
        handlers.set(key, set)
        await subscriber.subscribe(key)
      }
      set.add(handler)
      return async () => {
        set.delete(handler)
        if (set.size === 0 && handlers.get(key) === set) {
          handlers.delete(key)
          await subscriber.unsubscribe(key)
        }
      }
    },
    async close() {
      handlers.clear()
      subscriber.disconnect()
    },
  }
}
