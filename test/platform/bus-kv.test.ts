// The bus and counters behave the same in-process and on Redis (when REDIS_URL is set).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { memoryBus, redisBus, type Bus } from '../../src/platform/bus.ts'
import { memoryKv, redisKv, type Kv } from '../../src/platform/kv.ts'

interface Impl {
  name: string
  bus: () => Bus
  kv: () => Kv
  close: () => Promise<void>
}

const impls: Impl[] = [{ name: 'in-process', bus: memoryBus, kv: () => memoryKv(), close: async () => {} }]
if (process.env.REDIS_URL) {
  const redis = new Redis(process.env.REDIS_URL)
  const prefix = `imgtest:${randomBytes(4).toString('hex')}:`
  impls.push({
    name: 'redis',
    bus: () => redisBus(redis, prefix),
    kv: () => redisKv(redis, prefix),
    close: async () => {
      await redis.quit()
    },
  })
}

for (const impl of impls) {
  t.test(`${impl.name} bus`, async (t) => {
    const bus = impl.bus()
    t.teardown(() => bus.close())
    const received: string[] = []
    const unsubscribe = await bus.subscribe('room', (m) => received.push(m))
    const other: string[] = []
    await bus.subscribe('elsewhere', (m) => other.push(m))
    await bus.publish('room', 'one')
    await bus.publish('room', 'two')
    await waitFor(() => received.length === 2)
    t.same(received, ['one', 'two'], 'in order, on its channel only')
    t.same(other, [])
    await unsubscribe()
    await bus.publish('room', 'three')
    await bus.publish('elsewhere', 'marker')
    await waitFor(() => other.length === 1)
    t.same(received, ['one', 'two'], 'nothing after unsubscribing')
  })

  t.test(`${impl.name} counters`, async (t) => {
    const kv = impl.kv()
    const key = `c-${randomBytes(4).toString('hex')}`
    t.equal(await kv.incr(key, 1), 1)
    t.equal(await kv.incr(key, 100), 2, 'a later ttl does not extend the window')
    await kv.set(`${key}-v`, 'value', 60)
    t.equal(await kv.get(`${key}-v`), 'value')
    await kv.del(`${key}-v`)
    t.equal(await kv.get(`${key}-v`), null)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    t.equal(await kv.incr(key, 1), 1, 'the counter expired and starts again')
    await kv.ping()
  })
}

t.teardown(async () => {
  for (const impl of impls) await impl.close()
})

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
