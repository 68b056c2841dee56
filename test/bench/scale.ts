// How far processes go: idle sockets one process holds (memory each), and two gateway processes against one on PostgreSQL + Redis.
import { randomBytes } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { cpuSecondsOf, cpuSecondsOfCommand } from './cpu.ts'
import type { Fixture } from './fixture.ts'
import { sendTarget } from './messages.ts'
import { socketFleet } from './socket-fleet.ts'
import { startServer, type RunningServer } from './startup.ts'
import type { LoadOptions, Measurement, Target } from './target.ts'
import { seedUsers } from './users.ts'

/** A full garbage collection, so that memory figures are what is held, not what is yet to be collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc')
  ;(runInNewContext('gc') as () => void)()
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    collectGarbage()
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return process.memoryUsage()
}

export interface IdleSockets {
  sockets: number
  /** Growth of the resident set over the sockets, in KB each. */
  rssKbEach: number
  /** Growth of the JavaScript heap over the sockets, in KB each. */
  heapKbEach: number
}

/**
 * `count` users each open one `/ws` socket (registered: `ready` came) from a child process and stay silent; the
 * app's process (this one) is measured before and after. The first connections also warm what any traffic would
 * (the database's caches; PGlite's memory, in this process on the embedded default, only grows): counted here too.
 */
export async function idleSockets(f: Fixture, count = 15_000): Promise<IdleSockets> {
  const { tokens } = await seedUsers(f, count, 'idle')
  const before = await settledMemory()
  const fleet = socketFleet()
  try {
    const sockets = await fleet.open(
      `${f.appUrl.replace(/^http/, 'ws')}/ws`,
      tokens.map((token) => ({ 'access-token': token })),
    )
    const after = await settledMemory()
    return {
      sockets,
      rssKbEach: (after.rss - before.rss) / sockets / 1024,
      heapKbEach: (after.heapUsed - before.heapUsed) / sockets / 1024,
    }
  } finally {
    await fleet.close()
  }
}

/** Several targets loaded at once, the connections shared among them: one figure for the lot (req/s summed). */
function together(targets: Target[]): Target {
  return {
    async check() {
      for (const target of targets) await target.check()
    },
    async measure(options: LoadOptions): Promise<Measurement> {
      const connections = Math.max(1, Math.round(options.connections / targets.length))
      const all = await Promise.all(targets.map((target) => target.measure({ ...options, connections })))
      return {
        requestsPerSecond: all.reduce((sum, m) => sum + m.requestsPerSecond, 0),
        p50: Math.max(...all.map((m) => m.p50)),
        p99: Math.max(...all.map((m) => m.p99)),
        requests: all.reduce((sum, m) => sum + m.requests, 0),
      }
    },
  }
}

/** Prints, after each measurement, how many cores each part kept busy: where the time went. */
function withCpuReport(name: string, target: Target, gateways: RunningServer[]): Target {
  const sample = () => ({
    at: performance.now(),
    gateways: gateways.map((g) => cpuSecondsOf(g.pid) ?? 0),
    postgres: cpuSecondsOfCommand('postgres'),
    redis: cpuSecondsOfCommand('redis-server'),
    bench: process.cpuUsage(),
  })
  return {
    check: () => target.check(),
    async measure(options) {
      const start = sample()
      const measurement = await target.measure(options)
      const end = sample()
      const seconds = (end.at - start.at) / 1000
      const busy = (cpu: number) => (cpu / seconds).toFixed(2)
      const bench = process.cpuUsage(start.bench)
      const parts = [
        ...gateways.map((_, i) => `gateway ${i + 1} ${busy(end.gateways[i]! - start.gateways[i]!)}`),
        `postgres ${busy(end.postgres - start.postgres)}`,
        `redis ${busy(end.redis - start.redis)}`,
        `load generator ${busy((bench.user + bench.system) / 1e6)}`,
      ]
      console.log(`        ${name}: cores busy: ${parts.join(', ')}`)
      return measurement
    },
  }
}

export interface ProcessTargets {
  one: Target
  two: Target
  close(): Promise<void>
}

/**
 * Two gateway processes on the bench's PostgreSQL and Redis (one Redis prefix: one service), against the first of them
 * alone, with the same load: one-to-one sends from the fixture's user to 100 peers, the connections shared between the
 * two processes. Both are real server processes, like production; the machine's cores are shared by all of them.
 */
export async function twoProcesses(f: Fixture): Promise<ProcessTargets> {
  const env = { ...process.env, RATE_LIMIT_PER_MINUTE: '0', REDIS_PREFIX: `imgbench:${randomBytes(4).toString('hex')}:` }
  const gateways: RunningServer[] = []
  const close = async () => {
    for (const gateway of gateways.splice(0)) await gateway.stop()
  }
  try {
    gateways.push(await startServer(env), await startServer(env))
    const peers = (await seedUsers(f, 100, 'twoproc')).ids
    const send = (gateway: RunningServer) => sendTarget(f, 1, peers, gateway.url)
    return {
      one: withCpuReport('1 process', send(gateways[0]!), gateways.slice(0, 1)),
      two: withCpuReport('2 processes', together(gateways.map(send)), gateways),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
