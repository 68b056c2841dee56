// Property-based fuzzing of every route of the three surfaces and of /ws frames: no 5xx, every error in its surface's envelope, nothing stored by a refused request.
//
// Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> [FUZZ_ROUTE='POST /user/profile'] npx tap test/security/fuzz.test.ts
// FUZZ_RUNS sets the requests per route (default 10), FUZZ_FRAMES the /ws frames (default 150), FUZZ_BUDGET_SECONDS the HTTP part's time (default 70).
import t from 'tap'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../helpers/app.ts'
import { befriend, registerUser, type TestUser } from '../helpers/users.ts'
import { createGroup } from '../helpers/groups.ts'
import { listen, openSocket, type Frame, type TestSocket } from '../helpers/sockets.ts'
import { changedTables, tableDigests } from '../helpers/snapshot.ts'
import { requestArb, routesOf, toInject, type Credentials, type Pools, type Route } from '../helpers/fuzz.ts'

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)
const RUNS = Number(process.env.FUZZ_RUNS ?? 10)
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 150)
const ONLY = process.env.FUZZ_ROUTE
/** Past this, each remaining route gets two requests: every route is still fuzzed, and a busy machine does not time the file out. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_SECONDS ?? 70) * 1000

/** A route's own seed: the same for a given FUZZ_SEED whatever FUZZ_ROUTE filters. */
function seedOf(label: string): number {
  let hash = SEED
  for (const char of label) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return hash
}

function body(response: LightMyRequestResponse): any {
  try {
    return JSON.parse(response.body)
  } catch {
    return undefined
  }
}

/** What is wrong with `response` for a request to `route`, or undefined. */
function judge(route: Route, response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode
  if (status >= 500) return `HTTP ${status}`
  const json = body(response)
  const binary = /^\/(file\/download|files|static|media|upload\/images)\//.test(route.path)
  if (binary && status < 400 && json === undefined) return undefined
  if (typeof json !== 'object' || json === null) return 'not a JSON object'
  if (response.headers['content-type'] !== 'application/json; charset=utf-8')
    return `Content-Type ${String(response.headers['content-type'])}, not application/json; charset=utf-8`
  if (route.surface === 'other' && status < 400) return undefined
  switch (route.surface) {
    case 'rest':
    case 'other':
      if (![200, 404, 413, 429].includes(status)) return `REST answers HTTP 200 (429, 404, 413), not ${status}`
      if (!Number.isInteger(json.code) || !('data' in json) || !('message' in json)) return 'not {code, message, data}'
      if (json.code !== 200 && (typeof json.message !== 'string' || json.data !== null)) return 'an error without a message, or with data'
      if (json.code === 200 && status !== 200) return `code 200 with HTTP ${status}`
      return undefined
    case 'legacy':
      if (status !== 200) return `legacy answers HTTP 200, not ${status}`
      if (typeof json.success !== 'boolean' || typeof json.info !== 'string') return 'not {success, info}'
      if (!json.success && !Number.isInteger(json.code)) return 'a failure without its code'
      return undefined
    case 'facade':
      if (status >= 400 && typeof json.detail !== 'string') return 'a facade error without {detail}'
      if (status >= 300 && status < 400) return `a redirect (${status})`
      return undefined
  }
}

function refused(route: Route, response: LightMyRequestResponse): boolean {
  const json = body(response)
  if (route.surface === 'legacy') return json?.success === false
  if (route.surface === 'rest') return json?.code !== undefined && json.code !== 200
  return response.statusCode >= 400
}

/** The message of the property's first failure (shrunk as far as fast-check could). */
function failureOf(result: { errorInstance?: unknown }): string {
  const error = result.errorInstance
  return error instanceof Error ? error.message : String(error)
}

/** A payload or URL as text (toInject makes strings; the type allows objects too). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function describe(request: ReturnType<typeof toInject>): string {
  const payload =
    request.payload === undefined ? '' : Buffer.isBuffer(request.payload) ? `<${request.payload.length} bytes>` : text(request.payload).slice(0, 400)
  return `${request.method} ${text(request.url).slice(0, 400)} ${JSON.stringify(request.headers)} ${payload}`
}

t.test(`fuzz every route of REST, legacy and the facade (seed ${SEED})`, async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const seeded = await seed(app)
  const routes = routesOf((await app.inject({ method: 'GET', url: '/docs/json' })).json()).filter((route) => !ONLY || route.label === ONLY)
  const surfaces = new Set(routes.map((r) => r.surface))
  if (!ONLY)
    t.ok(routes.length > 180 && surfaces.has('rest') && surfaces.has('legacy') && surfaces.has('facade'), `${routes.length} operations of all three surfaces`)

  const failures: string[] = []
  let requests = 0
  let shortened = 0
  const started = Date.now()
  for (const [index, route] of routes.entries()) {
    if (index % 10 === 0) await seeded.refresh()
    const property = fc.asyncProperty(requestArb(route, seeded.pools), async (generated) => {
      const request = toInject(route, generated, seeded.credentials())
      const before = await tableDigests(app)
      const response = await app.inject(request)
      requests++
      const problem = judge(route, response)
      const changed = !problem && refused(route, response) ? changedTables(before, await tableDigests(app)) : []
      if (problem || changed.length > 0) {
        throw new Error(
          `${problem ?? `a refused request changed ${changed.join(', ')}`}\n  request:  ${describe(request)}\n  response: ${response.statusCode} ${response.body.slice(0, 300)}`,
        )
      }
    })
    const overBudget = Date.now() - started > BUDGET_MS
    if (overBudget) shortened++
    const result = await fc.check(property, { numRuns: overBudget ? Math.min(RUNS, 2) : RUNS, seed: seedOf(route.label), endOnFailure: true })
    if (result.failed) {
      failures.push(`${route.label}: ${failureOf(result)}\n  reproduce: FUZZ_SEED=${SEED} FUZZ_ROUTE='${route.label}' npx tap test/security/fuzz.test.ts`)
    }
  }
  t.comment(
    `${requests} requests to ${routes.length} operations in ${Date.now() - started} ms (seed ${SEED})${shortened ? `; over the time budget, the last ${shortened} got 2 requests each` : ''}`,
  )
  t.same(failures, [], `no 5xx, every error in its envelope, nothing stored when refused (FUZZ_SEED=${SEED})`)
})

t.test(`fuzz /ws frames (seed ${SEED})`, { skip: ONLY ? 'FUZZ_ROUTE names an HTTP route' : false }, async (t) => {
  // The frame budget (test/realtime/flood.test.ts) would answer a fast fuzz with 10015 instead of parsing its frames.
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0', WS_FRAMES_PER_SECOND: '10000' } })
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await befriend(app, alice, bob)
  const group = await createGroup(app, alice, {}, [bob])
  const baseUrl = await listen(app)
  let socket: TestSocket = await openSocket(baseUrl, alice.token)
  t.teardown(() => socket.close())
  let counter = 0

  const number = fc.oneof(
    fc.integer(),
    fc.constantFrom(0, -1, bob.userId, group, 2 ** 31, 2 ** 53, 2 ** 63, 1e20, 1.5, NaN),
    fc.constantFrom('1', null, [], {}, true),
  )
  const frame = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          {
            type: fc.constantFrom('ping', 'sync', 'sync', 'message', '', 'SYNC', null, 7),
            conversation: fc.option(fc.oneof(fc.record({ type: number, id: number }), fc.constantFrom(null, 'x', [], 5)), { nil: undefined }),
            after_seq: fc.option(number, { nil: undefined }),
            limit: fc.option(number, { nil: undefined }),
          },
          { requiredKeys: ['type'] },
        )
        .map((f) => ({ ...f, id: `f${++counter}` })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'not json',
        '[]',
        '[1,2]',
        'null',
        '"text"',
        '{"type":"sync","id":{"x":1}}',
        '{"type":"ping","id":[1]}',
        '{"type":"sync","id":"\\u0000"}',
        '{',
        '\u0000',
        '{"__proto__":{"type":"ping"}}',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0x00]), Buffer.alloc(0)) },
  )

  /** Sends `sent`, then a ping, and answers every frame up to that ping's pong. */
  async function exchange(sent: unknown): Promise<Frame[]> {
    const marker = `m${++counter}`
    const seen = socket.frames.length
    socket.ws.send(typeof sent === 'string' || Buffer.isBuffer(sent) ? sent : JSON.stringify(sent))
    const id = typeof sent === 'object' && sent !== null && !Buffer.isBuffer(sent) ? (sent as { id: string }).id : undefined
    if (id) await socket.next((f) => f.id === id, 10_000)
    socket.send({ type: 'ping', id: marker })
    await socket.next((f) => f.id === marker && f.type === 'pong', 10_000)
    return socket.frames.slice(seen)
  }

  const property = fc.asyncProperty(frame, async (sent) => {
    if (socket.ws.readyState !== socket.ws.OPEN) {
      const { code } = await socket.closed
      if (code === 1011 || code === 1006) throw new Error(`the socket closed with ${code}`)
      socket = await openSocket(baseUrl, alice.token)
    }
    const answers = await exchange(sent)
    for (const answer of answers) {
      if (!['pong', 'sync', 'error'].includes(answer.type)) throw new Error(`unexpected frame ${JSON.stringify(answer)} after ${JSON.stringify(sent)}`)
      if (answer.type === 'error' && (!Number.isInteger(answer.code) || answer.code === 20000 || typeof answer.message !== 'string')) {
        throw new Error(`an error frame without a client error code: ${JSON.stringify(answer)} after ${JSON.stringify(sent)}`)
      }
    }
  })
  const result = await fc.check(property, { numRuns: FRAMES, seed: seedOf('/ws'), endOnFailure: true })
  t.notOk(result.failed, result.failed ? `${failureOf(result)} (FUZZ_SEED=${SEED})` : `${FRAMES} frames answered`)
})

/** Users, a friendship, a group with an announcement and messages: ids for the generators to aim at. */
async function seed(app: TestApp) {
  const register = async () => registerUser(app)
  let alice: TestUser = await register()
  let bob: TestUser = await register()
  const carol = await register()
  await befriend(app, alice, bob)
  const group = await createGroup(app, alice, {}, [bob, carol])
  const sent = async (token: string, payload: object) =>
    (await app.inject({ method: 'POST', url: '/message/send', headers: { 'access-token': token }, payload })).json().msg_ids ?? []
  const msgIds = [
    ...(await sent(alice.token, { type: 1, targets: [bob.userId], content: 'hello' })),
    ...(await sent(bob.token, { type: 2, targets: [group], content: 'hi all' })),
  ]
  await app.inject({
    method: 'POST',
    url: '/group/announcement/edit',
    headers: { 'access-token': alice.token },
    payload: { group_id: group, title: 't', content: 'c' },
  })
  const pools: Pools = {
    userIds: [alice.userId, bob.userId, carol.userId],
    groupIds: [group],
    msgIds: msgIds.length ? msgIds : [1],
    words: [alice.username, bob.username, 'hello', '13800138000', 'a@b.test', 'secret1', '123456'],
  }
  const valid = async (user: TestUser) =>
    (await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': user.token } })).json().code === 200
  return {
    pools,
    credentials: (): Credentials => ({ user: { id: alice.userId, token: alice.token }, other: { id: bob.userId, token: bob.token }, adminToken: ADMIN_TOKEN }),
    /** The fuzz may sign its users out, disable them or lock them: then it goes on with new ones. */
    async refresh() {
      if (!(await valid(alice))) {
        alice = await register()
        pools.userIds.push(alice.userId)
      }
      if (!(await valid(bob))) {
        bob = await register()
        pools.userIds.push(bob.userId)
      }
    },
  }
}
