// npm test replays every compat fixture in-process; a server that changes one response field fails with a diff naming it.
import t from 'tap'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { asyncListener } from '../helpers/http-listener.ts'
import { findFixtureFiles, loadFixture } from '../../src/cli/replay/fixture.ts'
import { replayFixture, type Target } from '../../src/cli/replay/runner.ts'
import { exchangeLines } from '../../src/cli/replay/report.ts'

interface Teardown {
  teardown(fn: () => unknown): void
}

const root = join(import.meta.dirname, '..', '..')
const fixtures = (...paths: string[]) =>
  findFixtureFiles(
    paths.map((path) => join('compat-fixtures', path)),
    root,
  ).map((file) => join(root, file))
// Hundreds of exchanges, each a real HTTP request; slow on a loaded 2-core machine.
t.setTimeout(300_000)

async function startTarget(t: Teardown): Promise<Target> {
  const outboxDir = mkdtempSync(join(tmpdir(), 'im-gateway-outbox-'))
  t.teardown(() => rmSync(outboxDir, { recursive: true, force: true }))
  const outboxFile = join(outboxDir, 'sms-outbox.jsonl')
  const app = await buildTestApp(t, { env: { SMS_PROVIDER: 'file', SMS_OUTBOX: outboxFile } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  // A generous per-request limit: under the full suite a request may wait behind other test files for the CPU.
  return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, outboxFile, adminToken: ADMIN_TOKEN, timeoutMs: 90_000 }
}

/** A proxy in front of the app that rewrites the JSON body of one path: "the server changed one field". */
async function tamperingProxy(t: Teardown, target: Target, path: string, tamper: (body: any) => void): Promise<Target> {
  const proxy: Server = createServer(
    asyncListener(async (request, response) => {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
      ) as Record<string, string>
      const upstream = await fetch(target.baseUrl + request.url, { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
      let text = await upstream.text()
      if (request.url === path) {
        const body = JSON.parse(text)
        tamper(body)
        text = JSON.stringify(body)
      }
      const out = Object.fromEntries(
        [...upstream.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)),
      )
      response.writeHead(upstream.status, out).end(text)
    }),
  )
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())))
  return { ...target, baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` }
}

t.test('every fixture outside pending/ replays against a fresh in-process server', async (t) => {
  const files = fixtures('.')
  t.ok(files.length >= 15, `found ${files.length} fixtures`)
  t.notOk(
    files.some((file) => file.includes('/pending/')),
    'pending fixtures are not replayed',
  )
  const target = await startTarget(t)
  for (const file of files) {
    await t.test(file.slice(root.length + 1), async (t) => {
      const result = await replayFixture(loadFixture(file), target)
      t.notOk(result.error, result.error ?? 'fixture loads')
      for (const exchange of result.exchanges) t.equal(exchange.outcome, 'pass', exchangeLines(result, exchange).join('\n'))
    })
  }
})

t.test('every pending fixture is well-formed and says why it is pending', async (t) => {
  const files = fixtures('pending')
  for (const file of files) {
    const { fixture } = loadFixture(file)
    t.ok(fixture.pending, `${file.slice(root.length + 1)} has a "pending" reason`)
  }
})

/** Every operation of 000, 001 and 003, as `METHOD path` with `<id>` for ids. */
const LEGACY_OPERATIONS = [
  ...['joinGroup', 'groupList', 'getGroupDetail', 'userSetGroup', 'exitGroup', 'deleteUser', 'updateGroup', 'setingGroup'].map((m) => `POST /chat/group!${m}`),
  ...[
    'login',
    'readUser',
    'updateUser',
    'uploadPhoto',
    'updatePassword',
    'sendValidateCodeByRetreve',
    'noLoginUpdatePassword',
    'sendRegisterCode',
    'register',
    'signOut',
  ].map((m) => `POST /user/user!${m}`),
  'GET /api/im/token/',
  'POST /api/im/group/',
  'GET /api/im/group/',
  'POST /api/im/group/<id>/join/',
  'POST /api/im/group/<id>/invite/',
  'GET /api/im/group/<id>/quit/',
  'GET /api/im/group/<id>/users/',
  'GET /api/im/group/<id>/dismiss/',
  'GET /api/im/retrieve/<id>/',
]

function operationOf(request: { method: string; path: string }): string {
  let path = request.path.split('?')[0]!.replace(/\{\{[^}]*\}\}|\b\d+\b/g, '<id>')
  if (path.startsWith('/api/im') && !path.endsWith('/')) path += '/'
  return `${request.method} ${path}`
}

/** What a non-setup exchange shows of its operation: a success (legacy success true, facade 2xx) or a failure. */
function outcomeShown(response: { status: unknown; body?: unknown }): 'success' | 'failure' | undefined {
  const body = response.body as Record<string, any> | undefined
  const success = body?.success ?? body?.$contains?.success
  if (success === true) return 'success'
  if (success === false) return 'failure'
  if (typeof response.status !== 'number') return undefined
  return response.status < 300 ? 'success' : response.status >= 400 ? 'failure' : undefined
}

t.test('every legacy and facade operation has a success and a failure fixture (enabled or pending)', async (t) => {
  const shown = new Map<string, Set<string>>()
  for (const file of fixtures('.', 'pending')) {
    for (const exchange of loadFixture(file).fixture.exchanges) {
      const outcome = outcomeShown(exchange.response)
      if (exchange.setup || !outcome) continue
      const operation = operationOf(exchange.request)
      shown.set(operation, (shown.get(operation) ?? new Set()).add(outcome))
    }
  }
  for (const operation of LEGACY_OPERATIONS) {
    t.same([...(shown.get(operation) ?? [])].sort(), ['failure', 'success'], operation)
  }
})

t.test('changing one response field of the server fails the replay with a diff naming that field', async (t) => {
  const target = await startTarget(t)
  const login = loadFixture(fixtures('user/login-success.json')[0]!)
  const cases: { name: string; tamper: (body: any) => void; path: string; shows: RegExp }[] = [
    {
      name: 'userId sent as a string',
      tamper: (body) => {
        body.data.userVO.userId = String(body.data.userVO.userId)
      },
      path: 'body.data.userVO.userId',
      shows: /expected the same as \{\{userId\}\} = \d+ \(integer\), got "\d+" \(string\)/,
    },
    {
      name: 'info reworded',
      tamper: (body) => {
        body.info = '登陆成功'
      },
      path: 'body.info',
      shows: /expected "登录成功" \(string\), got "登陆成功" \(string\)/,
    },
    {
      name: 'a field dropped',
      tamper: (body) => {
        delete body.data.userVO.signature
      },
      path: 'body.data.userVO.signature',
      shows: /missing, expected "" \(string\)/,
    },
    {
      name: 'a field added',
      tamper: (body) => {
        body.data.userVO.email = ''
      },
      path: 'body.data.userVO.email',
      shows: /unexpected field, got "" \(string\)/,
    },
    {
      name: 'success flipped',
      tamper: (body) => {
        body.success = 'true'
      },
      path: 'body.success',
      shows: /expected true \(boolean\), got "true" \(string\)/,
    },
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const proxy = await tamperingProxy(t, target, '/user/user!login', c.tamper)
      const result = await replayFixture(login, proxy)
      t.equal(result.outcome, 'fail')
      const loginStep = result.exchanges[1]!
      t.equal(loginStep.outcome, 'fail')
      t.same(
        loginStep.differences.map((difference) => difference.path),
        [c.path],
        'exactly the changed field is named',
      )
      const printed = exchangeLines(result, loginStep).join('\n')
      t.match(printed, `${c.path}: `)
      t.match(printed, c.shows, 'both values, with their JSON types')
      t.equal(result.exchanges[0]!.outcome, 'pass', 'the untouched steps still pass')
    })
  }
  // The same fixture passes straight against the server, so the failures above are the tampering alone.
  t.equal((await replayFixture(login, target)).outcome, 'pass')
})

t.test('the CLI: a line per exchange, a summary line, --json, exit code 0 only when all pass', async (t) => {
  const target = await startTarget(t)
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const wrong = join(dir, 'wrong-info.json')
  writeFileSync(wrong, readFileSync(join(root, 'compat-fixtures/user/signOut-missing-auth.json'), 'utf8').replace('请先登录', '请登录'))
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/replay.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
      })
    })

  const passing = await run('--target', target.baseUrl, 'compat-fixtures/user/signOut-missing-auth.json', 'compat-fixtures/im/unknown-route.json')
  t.equal(passing.code, 0, passing.stderr)
  t.match(passing.stdout, /^PASS compat-fixtures\/im\/unknown-route\.json #1 GET \/api\/im\/nosuch\/ \(GET \/api\/im\/nosuch\/, \d+ ms\)$/m)
  t.match(passing.stdout, /^2 fixtures, 2 exchanges: 2 passed, 0 failed, 0 skipped$/m)

  const report = join(dir, 'report.json')
  const failing = await run('--target', target.baseUrl, '--json', report, 'compat-fixtures/user/signOut-missing-auth.json', wrong)
  t.equal(failing.code, 1)
  t.match(failing.stdout, /^FAIL .*wrong-info\.json #1 sign out with no uid\/accessToken/m)
  t.match(failing.stdout, /^ +body\.info: expected "请登录" \(string\), got "请先登录" \(string\)$/m)
  t.match(failing.stdout, /^2 fixtures, 2 exchanges: 1 passed, 1 failed, 0 skipped$/m)
  const json = JSON.parse(readFileSync(report, 'utf8'))
  t.match(json, { target: target.baseUrl, ok: false, summary: { fixtures: 2, failedFixtures: 1, exchanges: 2, passed: 1, failed: 1, skipped: 0 } })
  t.match(json.fixtures.find((fixture: { file: string }) => fixture.file.endsWith('wrong-info.json')).exchanges[0], {
    outcome: 'fail',
    differences: [{ path: 'body.info', expected: '请登录', actual: '请先登录' }],
    actual: { status: 200 },
  })

  const usage = await run('--target', target.baseUrl, 'no/such/dir')
  t.equal(usage.code, 2, 'a path that does not exist is a usage error')
  t.match(usage.stderr, 'no/such/dir: no such file or directory')
})
