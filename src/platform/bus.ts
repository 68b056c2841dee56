// Publish/subscribe between processes: Redis when REDIS_URL is set, in-process otherwise.
import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'

export type BusHandler = (message: string) => void

export interface Bus {
  publish(channel: string, message: string): Promise<void>
  /** Resolves once the subscription is live; the returned function unsubscribes. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>
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
      return async () => { emitter.off(channel, handler) }
    },
    async close() { emitter.removeAllListeners() },
  }
}

/** `publisher` is the shared command connection; subscriptions get a dedicated duplicate of it. */
export function redisBus(publisher: Redis, prefix: string): Bus {
  const subscriber = publisher.duplicate()
  const handlers = new Map<string, Set<BusHandler>>()
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message)
  })
  return {
    async publish(channel, message) {
      await publisher.publish(prefix + channel, message)
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
