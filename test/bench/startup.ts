// Embedded start to ready: the server as its own process on a temporary DATA_DIR, timed from spawn until /readyz answers 200.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuSecondsOf } from './cpu.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BUILT = join(ROOT, 'dist', 'src', 'server.js')
/** Starts on the existing folder after the first; the median is the figure. */
const RESTARTS = 3
const READY_TIMEOUT_MS = 120_000

/** The compiled server when `npm run build` has made one (what production runs), else the sources through tsx (what `npm start` runs). */
export function serverCommand(): { args: string[]; what: string } {
  return existsSync(BUILT)
    ? { args: [BUILT], what: 'node dist/src/server.js' }
    : { args: ['--import', 'tsx', join(ROOT, 'src', 'server.ts')], what: 'node --import tsx src/server.ts' }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))
}

/** A start: wall seconds from spawn to ready, and the CPU seconds the process used by then (null where /proc is not). */
interface Start {
  seconds: number
  cpuSeconds: number | null
}

/** A server process started by startServer(), ready. */
export interface RunningServer extends Start {
  url: string
  pid: number | undefined
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
}

/** Spawns the server (`npm start`'s, or the build's) with `env` on a free port and waits until /readyz answers 200. */
export async function startServer(env: Record<string, string | undefined>, args = serverCommand().args): Promise<RunningServer> {
  const port = await freePort()
  let stderr = ''
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const stop = async () => {
    child.kill('SIGTERM')
    await exited(child)
  }
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready: ${stderr.trim()}`)
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      )
      if (status === 200) {
        return { url: `http://127.0.0.1:${port}`, pid: child.pid, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsOf(child.pid), stop }
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Starts the embedded server on `dataDir` (whatever the bench itself runs on) and stops it once ready. */
async function timeStart(args: string[], dataDir: string): Promise<Start> {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir }
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name]
  const server = await startServer(env, args)
  await server.stop()
  return { seconds: server.seconds, cpuSeconds: server.cpuSeconds }
}

/** The first start (an empty folder: the database is created and migrated) and later starts on the same folder, with the median of those. */
export async function embeddedStart(): Promise<{ first: Start; existing: Start[]; median: number; what: string }> {
  const { args, what } = serverCommand()
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-bench-start-'))
  try {
    const first = await timeStart(args, dataDir)
    const existing: Start[] = []
    for (let i = 0; i < RESTARTS; i++) existing.push(await timeStart(args, dataDir))
    const sorted = existing.map((s) => s.seconds).sort((a, b) => a - b)
    return { first, existing, median: sorted[Math.floor(sorted.length / 2)]!, what }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
