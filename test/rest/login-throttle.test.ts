// Failed logins slow down the account and address that failed (growing delays), never the account everywhere.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { md5, registerUser } from '../helpers/users.ts'
import { inProcessCluster } from '../helpers/cluster.ts'
import { passwordVerifications } from '../../src/platform/passwords.ts'

const ATTACKER = '203.0.113.66'
const OWNER = '198.51.100.7'

t.test('failed logins are throttled per account and client address, on every surface that logs in', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => clock } })
  const victim = await registerUser(app, 'victim', 'right-password')

  const rest = (url: string, payload: object, from: string) => app.inject({ method: 'POST', url, payload, remoteAddress: from })
  const byName = (password: string, from: string) => rest('/token/user', { name: 'victim', password }, from)
  const legacy = (password: string, from: string) =>
    app.inject({ method: 'POST', url: '/user/user!login', payload: { 'userVO.userName': 'victim', 'userVO.password': md5(password) }, remoteAddress: from })

  await t.test('five failures are free; then the attacker waits, with a Retry-After that grows', async (t) => {
    for (let i = 0; i < 5; i++) t.match((await byName(`guess-${i}`, ATTACKER)).json(), { code: 10013 }, `guess ${i + 1} is checked`)
    const refused = await byName('right-password', ATTACKER)
    t.equal(refused.statusCode, 429)
    t.match(refused.json(), { code: 10015, message: /try again in 1 s/, data: null }, 'even the right password waits its turn')
    t.equal(refused.headers['retry-after'], '1')

    const waits: number[] = []
    for (let round = 0; round < 4; round++) {
      clock += 3_600_000 // past any delay
      t.match((await byName(`late-guess-${round}`, ATTACKER)).json(), { code: 10013 }, 'after the wait, one more guess is checked')
      const next = await byName(`too-soon-${round}`, ATTACKER)
      t.equal(next.statusCode, 429)
      waits.push(Number(next.headers['retry-after']))
    }
    t.same(waits, [2, 4, 8, 16], 'each failure doubles the wait')
  })

  await t.test('the owner, from another address, logs in meanwhile on every surface', async (t) => {
    t.match((await byName('right-password', OWNER)).json(), { code: 200, data: { user_id: victim.userId } }, '/token/user')
    t.match((await rest('/token/id', { user_id: victim.userId, password: 'right-password' }, OWNER)).json(), { code: 200 }, '/token/id')
    t.match((await rest('/token/login', { login_name: 'victim', password: 'right-password' }, OWNER)).json(), { code: 200 }, '/token/login')
    t.match((await legacy('right-password', OWNER)).json(), { success: true }, 'legacy user!login')
    t.match((await byName('typo', OWNER)).json(), { code: 10013 }, "the owner's own typo is an ordinary wrong password")
  })

  await t.test('the attacker is refused on every surface and every way of naming the account', async (t) => {
    const legacyRefusal = await legacy('right-password', ATTACKER)
    t.equal(legacyRefusal.statusCode, 200)
    t.same(legacyRefusal.json(), { success: false, info: '操作过于频繁，请稍后再试', code: 10015 })
    t.ok(Number(legacyRefusal.headers['retry-after']) > 0, 'legacy answers carry Retry-After too')
    t.match((await rest('/token/id', { user_id: victim.userId, password: 'x' }, ATTACKER)).json(), { code: 10015 }, '/token/id')
    t.match((await rest('/token/login', { login_name: 'VICTIM', password: 'x' }, ATTACKER)).json(), { code: 10015 }, '/token/login')
  })

  await t.test('a refusal costs no password hash', async (t) => {
    const before = passwordVerifications()
    for (let i = 0; i < 20; i++) t.equal((await byName('right-password', ATTACKER)).statusCode, 429)
    t.equal(passwordVerifications(), before, 'twenty refusals, no argon2 verification')
  })

  await t.test('a success from an address clears only that address; unknown names are throttled alike', async (t) => {
    clock += 3_600_000
    t.match((await byName('right-password', ATTACKER)).json(), { code: 200 }, 'after the wait the right password works from there too')
    t.match((await byName('wrong', ATTACKER)).json(), { code: 10013 }, 'and the count started over')
    for (let i = 0; i < 5; i++) await rest('/token/user', { name: 'nobody_here', password: 'x' }, ATTACKER)
    t.match((await rest('/token/user', { name: 'nobody_here', password: 'x' }, ATTACKER)).json(), { code: 10015 }, 'the same answer as for a real account')
  })

  await t.test('one guess at a time: a burst from one address gets one password check', async (t) => {
    await registerUser(app, 'burst_target', 'pw-burst')
    const before = passwordVerifications()
    const answers = await Promise.all(Array.from({ length: 8 }, () => rest('/token/user', { name: 'burst_target', password: 'nope' }, ATTACKER)))
    const codes = answers.map((a) => a.json().code)
    t.ok(codes.filter((c) => c === 10013).length >= 1, 'at least one guess is checked')
    t.equal(codes.filter((c) => c === 10013).length, passwordVerifications() - before, 'every other one is refused unchecked')
    t.ok(codes.every((c) => c === 10013 || c === 10015))
  })
})

t.test('the schedule is configurable', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, {
    env: { LOGIN_THROTTLE_FREE_FAILURES: '2', LOGIN_THROTTLE_BASE_DELAY_SECONDS: '10', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '15' },
    overrides: { now: () => clock },
  })
  await registerUser(app, 'configured', 'pw-configured')
  const guess = () => app.inject({ method: 'POST', url: '/token/user', payload: { name: 'configured', password: 'x' }, remoteAddress: ATTACKER })
  t.match((await guess()).json(), { code: 10013 })
  t.match((await guess()).json(), { code: 10013 })
  t.equal((await guess()).headers['retry-after'], '10')
  clock += 11_000
  t.match((await guess()).json(), { code: 10013 })
  t.equal((await guess()).headers['retry-after'], '15', 'capped at the longest delay')
})

t.test(
  'two gateways on one Redis share the throttle',
  { skip: !process.env.REDIS_URL && 'needs REDIS_URL (embedded apps each count in-process)' },
  async (t) => {
    const cluster = await inProcessCluster(t)
    const second = (await cluster.start()).app
    await registerUser(cluster.first, 'shared_victim', 'right-password')
    const login = (app: typeof second, password: string, from: string) =>
      app.inject({ method: 'POST', url: '/token/user', payload: { name: 'shared_victim', password }, remoteAddress: from })
    for (let i = 0; i < 5; i++) t.match((await login(cluster.first, `guess-${i}`, ATTACKER)).json(), { code: 10013 })
    t.equal((await login(second, 'right-password', ATTACKER)).statusCode, 429, 'the other gateway refuses the attacker too')
    t.match((await login(second, 'right-password', OWNER)).json(), { code: 200 }, 'and lets the owner in')
  },
)
