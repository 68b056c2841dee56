// The real process: a bad variable stops it, the admin token is printed once, SIGTERM closes it cleanly.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
// Each start is a real process on a new embedded database: seconds, not milliseconds.
t.setTimeout(180_000)

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Starts src/server.ts; `onReady` runs once /healthz answers, then the process gets SIGTERM. */
function runServer(env: Record<string, string>, onReady?: (port: number) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let ready = false
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const port = stdout.match(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/)?.[1]
      if (port && !ready) {
        ready = true
        Promise.resolve(onReady?.(Number(port))).then(
          () => child.kill('SIGTERM'),
          (error: unknown) => {
            child.kill('SIGTERM')
            reject(error instanceof Error ? error : new Error(String(error)))
          },
        )
      }
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('exit', (code, signal) => {
      clearTimeout(kill)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

t.test('a bad variable stops start-up with a message naming it', async (t) => {
  const run = await runServer({ PORT: 'eighty' })
  t.equal(run.code, 2)
  t.match(run.stderr, /invalid environment variable PORT="eighty"/)
})

t.test('first start prints a generated admin token once; SIGTERM shuts down gracefully', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-server-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { DATA_DIR: dataDir, PORT: '0' }

  let adminToken = ''
  const first = await runServer(env, async (port) => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    t.same(await health.json(), { status: 'ok' })
  })
  t.equal(first.code, 0, 'exit code 0 after SIGTERM')
  t.match(first.stdout, /"msg":"shutting down"/)
  adminToken = first.stderr.match(/admin token of app "default".*\n\s+(\S+)/)?.[1] ?? ''
  t.match(adminToken, /^[A-Za-z0-9_-]{43}$/, 'the generated token is printed on stderr')
  t.notOk(first.stdout.includes(adminToken), 'and never logged')

  const second = await runServer(env, async (port) => {
    // The token printed at first start is the app's admin token: it may act as any user.
    const r = await fetch(`http://127.0.0.1:${port}/user/profile`, { headers: { 'access-token': adminToken, user_id: '1' } })
    t.match(await r.json(), { code: 10000 }, 'admin token accepted (user 1 does not exist yet)')
  })
  t.equal(second.code, 0)
  t.notMatch(second.stderr, /admin token/, 'not printed again')
})
