// Several gateways on one database: in-process apps sharing the embedded database and bus, or real server processes on PostgreSQL + Redis.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { buildApp, type AppOverrides } from '../../src/app.ts'
import { memoryBus, type Bus } from '../../src/platform/bus.ts'
import { openPostgres } from '../../src/platform/db.ts'
import { ADMIN_TOKEN, buildTestApp, testConfig, type TestApp } from './app.ts'

interface Tap {
  teardown(fn: () => unknown): void
}

export interface Node {
  /** http://127.0.0.1:port */
  url: string
  /** ws://127.0.0.1:port */
  wsUrl: string
  /** Stops the node: gracefully, or (a real process) with SIGKILL as in a crash. */
  stop(how?: 'graceful' | 'crash'): Promise<void>
}

/** Both variables set: real processes can share PostgreSQL and Redis. */
export const realProcessesPossible = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL)

/** No rate limit: these tests send thousands of requests from one address. */
const env = { RATE_LIMIT_PER_MINUTE: '0' }

export interface InProcessCluster {
  /** The first app: its database is the test database. */
  first: TestApp
  firstUrl: string
  /** Starts one more app on the same database and bus (the same Redis prefix when REDIS_URL is set). */
  start(): Promise<Node & { app: TestApp | Awaited<ReturnType<typeof buildApp>> }>
}

/**
 * Apps in this process on one database. Embedded: they share the PGlite object and an in-process
 * bus. With DATABASE_URL: each has its own pool; with REDIS_URL, its own Redis connections on one prefix.
 */
export async function inProcessCluster(t: Tap, overrides: AppOverrides = {}): Promise<InProcessCluster> {
  const prefix = `imgtest:${randomBytes(4).toString('hex')}:`
  const sharedBus: Bus | undefined = process.env.REDIS_URL ? undefined : keepOpen(memoryBus())
  const first = await buildTestApp(t, { env: { ...env, REDIS_PREFIX: prefix }, overrides: { ...overrides, ...(sharedBus ? { bus: sharedBus } : {}) } })
  const firstUrl = await first.listen({ host: '127.0.0.1', port: 0 })
  const nodes: Array<{ close(): Promise<void> }> = []
  // Registered after buildTestApp's teardown, which runs later: the shared database outlives these apps.
  t.teardown(async () => {
    for (const node of nodes.splice(0)) await node.close()
  })
  return {
    first,
    firstUrl,
    async start() {
      const shared = first.testDatabase
      const database = shared.url ? openPostgres(shared.url, 5) : { ...shared.database, close: async () => {} }
      const app = await buildApp(testConfig({ ...env, REDIS_PREFIX: prefix }), { ...overrides, database, ...(sharedBus ? { bus: sharedBus } : {}) })
      const address = await app.listen({ host: '127.0.0.1', port: 0 })
      let closed = false
      const close = async () => {
        if (closed) return
        closed = true
        await app.close()
      }
      nodes.unshift({ close })
      return { app, url: address, wsUrl: address.replace(/^http/, 'ws'), stop: close }
    },
  }
}

/** A bus whose close is left to its owner (one bus shared by several apps). */
function keepOpen(bus: Bus): Bus {
  return { ...bus, close: async () => {} }
}

/** A port nobody listens on now (the kernel's choice). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface ProcessNode extends Node {
  /** True until the process exits. */
  alive(): boolean
  /** What it wrote on stderr (the first 100 kB). */
  stderr(): string
}

/** Real gateway processes that act as one service: one database, one fresh Redis prefix, the same options. */
export interface GatewayProcesses {
  /** Starts one more (also to replace a stopped one). */
  start(): Promise<ProcessNode>
  /** Starts two at once. */
  pair(): Promise<[ProcessNode, ProcessNode]>
}

export function gatewayProcesses(t: Tap, databaseUrl: string, options: { redisUrl?: string; env?: Record<string, string> } = {}): GatewayProcesses {
  const prefix = `imgtest:${randomBytes(4).toString('hex')}:`
  const start = () => startProcess(t, databaseUrl, prefix, options)
  return { start, pair: () => Promise.all([start(), start()]) }
}

/**
 * A real `src/server.ts` process on the test's PostgreSQL database and Redis prefix; ready when /healthz answers.
 * `redisUrl` defaults to REDIS_URL; `env` adds or overrides variables.
 */
async function startProcess(
  t: Tap,
  databaseUrl: string,
  redisPrefix: string,
  options: { redisUrl?: string; env?: Record<string, string> } = {},
): Promise<ProcessNode> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN,
      ...env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? '',
      REDIS_PREFIX: redisPrefix,
      DATA_DIR: join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'im-gateway-test', `proc-${randomBytes(4).toString('hex')}`),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => {
    if (stderr.length < 100_000) stderr += chunk
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before answering: ${stderr}`)
    if (Date.now() > deadline) throw new Error(`server did not answer within 60 s: ${stderr}`)
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (healthy) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    async stop(how = 'graceful') {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(how === 'crash' ? 'SIGKILL' : 'SIGTERM')
      await exited
    },
  }
}
