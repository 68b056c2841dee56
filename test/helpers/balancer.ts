// HAProxy from the system's package, run with the repository's deploy/haproxy.cfg in front of gateway processes of the test's own.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './cluster.ts'

interface Tap {
  teardown(fn: () => unknown): void
}

export const haproxyConfig = join(import.meta.dirname, '..', '..', 'deploy', 'haproxy.cfg')

/** The haproxy binary: on PATH, or where Debian's package puts it (/usr/sbin is not on every user's PATH). */
export function haproxyBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']
  for (const dir of dirs) if (dir && existsSync(join(dir, 'haproxy'))) return join(dir, 'haproxy')
  return undefined
}

/**
 * The config's only variables: where the balancer listens and the two gateways' addresses
 * (deploy/haproxy.cfg reads them as "${BALANCER_BIND}", "${GATEWAY_1}", "${GATEWAY_2}").
 */
function configEnv(port: number, gateways: string[]): Record<string, string> {
  return { BALANCER_BIND: `127.0.0.1:${port}`, GATEWAY_1: gateways[0]!, GATEWAY_2: gateways[1]! }
}

/** `haproxy -c`: the exit code and what it printed. */
export function checkConfig(gateways: string[]): { status: number | null; output: string } {
  const run = spawnSync(haproxyBinary()!, ['-c', '-f', haproxyConfig], {
    env: { PATH: process.env.PATH ?? '', ...configEnv(8080, gateways) },
    encoding: 'utf8',
  })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

export interface Balancer {
  /** http://127.0.0.1:port */
  url: string
  /** ws://127.0.0.1:port */
  wsUrl: string
  /** HAProxy's log and messages (the last 200 kB). */
  output(): string
  stop(): Promise<void>
}

/** Starts HAProxy in the foreground with deploy/haproxy.cfg in front of `gateways` (host:port each). */
export async function startBalancer(t: Tap, gateways: string[]): Promise<Balancer> {
  const port = await freePort()
  const child = spawn(haproxyBinary()!, ['-db', '-f', haproxyConfig], {
    env: { PATH: process.env.PATH ?? '', ...configEnv(port, gateways) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  t.teardown(stop)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${output}`)
    if (Date.now() > deadline) throw new Error(`haproxy did not answer within 20 s: ${output}`)
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { url, wsUrl: url.replace(/^http/, 'ws'), output: () => output, stop }
}
