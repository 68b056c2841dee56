// A PostgreSQL cluster and a redis-server of the test's own, on spare ports, that a test may stop and start (never the machine's shared ones).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './cluster.ts'

const run = promisify(execFile)

interface Tap {
  teardown(fn: () => unknown): void
}

/** The newest PostgreSQL server binaries installed (Debian's layout), or those on PATH. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return join(root, versions[0], 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  return undefined
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name)
  return undefined
}

/** Why a test of outages cannot run here, or undefined when it can. */
export function missingDependencyBinaries(): string | undefined {
  const missing: string[] = []
  if (!postgresBin()) missing.push('PostgreSQL server binaries (initdb, pg_ctl)')
  if (!onPath('redis-server')) missing.push('redis-server')
  if (userInfo().uid === 0 && !onPath('runuser')) missing.push('runuser (PostgreSQL refuses to run as root)')
  return missing.length > 0 ? `needs ${missing.join(' and ')}` : undefined
}

export interface OwnPostgres {
  port: number
  /** postgres://postgres@127.0.0.1:port/<database> */
  url(database?: string): string
  /** A fast shutdown, as a restart or failover does: every session is ended ("terminating connection due to administrator command"). */
  stop(): Promise<void>
  start(): Promise<void>
  createDatabase(name: string): Promise<string>
}

/** Runs a PostgreSQL program as the `postgres` OS user when this process is root (initdb and postgres refuse root). */
async function asPostgres(bin: string, program: string, args: string[]): Promise<void> {
  const [file, argv] = userInfo().uid === 0 ? [onPath('runuser')!, ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args]
  await run(file, argv, { timeout: 60_000 })
}

export async function startOwnPostgres(t: Tap): Promise<OwnPostgres> {
  const bin = postgresBin()!
  const dir = mkdtempSync(join(tmpdir(), 'im-gateway-pg-'))
  const data = join(dir, 'data')
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const port = await freePort()
  await asPostgres(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C'])
  let running = false
  const server: OwnPostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      // The socket directory is the cluster's own, so nothing clashes with the machine's cluster.
      await asPostgres(bin, 'pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`,
        'start',
      ])
      running = true
    },
    async stop() {
      await asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'])
      running = false
    },
    async createDatabase(name) {
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: server.url() })
      await client.connect()
      try {
        await client.query(`create database ${name}`)
      } finally {
        await client.end()
      }
      return server.url(name)
    },
  }
  t.teardown(async () => {
    if (running) await asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  })
  await server.start()
  return server
}

export interface OwnRedis {
  port: number
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

/** Resolves once redis-server answers PING on the port. */
async function redisAnswers(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.setTimeout(1000)
      socket.once('connect', () => socket.write('PING\r\n'))
      socket.once('data', (data) => {
        socket.destroy()
        resolve(data.toString().startsWith('+PONG'))
      })
      socket.once('error', () => resolve(false))
      socket.once('timeout', () => {
        socket.destroy()
        resolve(false)
      })
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function startOwnRedis(t: Tap): Promise<OwnRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const server: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(onPath('redis-server')!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
        stdio: 'ignore',
      })
      const current = child
      exited = new Promise((resolve) => current.once('exit', () => resolve()))
      await redisAnswers(port, Date.now() + 20_000)
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
  t.teardown(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  await server.start()
  return server
}
