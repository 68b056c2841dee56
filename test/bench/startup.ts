// Embedded start to ready: the server as its own process on a temporary DATA_DIR, timed from spawn until /readyz answers 200.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BUILT = join(ROOT, 'dist', 'src', 'server.js')
/** Starts on the existing folder after the first; the median is the figure. */
const RESTARTS = 3
const READY_TIMEOUT_MS = 120_000
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100

/** The compiled server when `npm run build` has made one (what production runs), else the sources through tsx (what `npm start` runs). */
function serverCommand(): { args: string[]; what: string } {
  return existsSync(BUILT)
    ? { args: [BUILT], what: 'node dist/src/server.js' }
    : { args: ['--import', 'tsx', join(ROOT, 'src', 'server.ts')], what: 'node --import tsx src/server.ts' }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))
}

/** A start: wall seconds from spawn to ready, and the CPU seconds the process used by then (null where /proc is not). */
interface Start {
  seconds: number
  cpuSeconds: number | null
}

/**
 * CPU seconds (user + system, all threads) the process has used: on a loaded machine the wall time
 * mostly measures the queue for a core, this what the start itself costs. Linux only.
 */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    // After the command name (in parentheses, which may hold spaces): utime and stime are fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return null
  }
}

/** Spawns the server, waits for /readyz 200, stops it with SIGTERM. */
async function timeStart(args: string[], dataDir: string): Promise<Start> {
  const port = await freePort()
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' }
  // Embedded whatever the bench itself runs on.
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name]
  env.ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijkl'
  let stderr = ''
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready: ${stderr.trim()}`)
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      )
      if (status === 200) return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsOf(child.pid) }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    child.kill('SIGTERM')
    await exited(child)
  }
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
