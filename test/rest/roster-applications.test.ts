// Friend applications through REST: each auth mode, accept, decline, expiry, applying twice, crossing applications, the admin batch.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { restClient, setAuthMode } from '../helpers/roster.ts'

const DAY = 24 * 3600 * 1000

t.test('friend applications', async (t) => {
  let now = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => now } })
  const register = async (name: string, mode = 0, question = '', answer = '') => {
    const user = await registerUser(app, name)
    if (mode !== 0) await setAuthMode(app, user.userId, mode, question, answer)
    return { ...user, call: restClient(app, user.token) }
  }
  const friendIds = async (user: { call: ReturnType<typeof restClient> }) => (await user.call('GET', '/roster/list')).data
  const applications = async (user: { call: ReturnType<typeof restClient> }) => (await user.call('GET', '/roster/apply/list')).data
  /** The list with the applications the user sent, too (include_sent). */
  const allApplications = async (user: { call: ReturnType<typeof restClient> }) =>
    (await user.call('GET', '/roster/apply/list', { query: { include_sent: true } })).data
  const alice = await register('alice')

  await t.test('auth_mode 0: friends at once, on both sides', async (t) => {
    const bob = await register('bob')
    const before = (await bob.call('GET', '/roster/list')).version
    t.same(await alice.call('POST', '/roster/apply', { body: { user_id: bob.userId, reason: 'hello', alias: 'Bobby' } }), {
      code: 200,
      message: null,
      data: true,
    })
    t.same(await friendIds(alice), [bob.userId])
    t.same(await friendIds(bob), [alice.userId])
    t.not((await bob.call('GET', '/roster/list')).version, before, "bob's list version moved")
    t.match(await applications(bob), [{ user_id: alice.userId, roster_id: bob.userId, reason: 'hello', status: 1 }], 'recorded as accepted')
    const [seen] = (await alice.call('POST', '/roster/list', { body: { list: [bob.userId] } })).data
    t.match(seen, { user_id: bob.userId, alias: 'Bobby', relation: 0 }, "the applicant's alias is on its own record")
    t.match(await alice.call('POST', '/roster/apply', { body: { user_id: bob.userId } }), { code: 10005, data: null })
    t.match(await bob.call('POST', '/roster/apply', { body: { user_id: alice.userId } }), { code: 10005 }, 'either side')
  })

  await t.test('auth_mode 1: a pending application until accepted; applying twice updates it', async (t) => {
    const carol = await register('carol', 1)
    const v0 = (await carol.call('GET', '/roster/apply/list')).version
    t.same(await alice.call('POST', '/roster/apply', { body: { user_id: carol.userId, reason: 'hi', alias: 'Caz' } }), { code: 200, message: null, data: true })
    t.same(await friendIds(carol), [], 'not friends yet')
    t.same(await applications(carol), [
      { user_id: alice.userId, roster_id: carol.userId, reason: 'hi', status: 0, expired_time: now + 7 * DAY, decline_reason: '' },
    ])
    t.match(await allApplications(alice), [{ user_id: alice.userId, roster_id: carol.userId, status: 0 }], 'the applicant sees what it sent when it asks')
    // MaxIM's UI offers accept/decline on every item: by default only the applications the user can decide on.
    t.same(await applications(alice), [], 'by default, only the applications received')
    const v1 = (await carol.call('GET', '/roster/apply/list')).version
    t.not(v1, v0, 'apply list version moved')

    now += DAY
    t.equal((await alice.call('POST', '/roster/apply', { body: { user_id: carol.userId, reason: 'hi again' } })).code, 200)
    t.same(
      await applications(carol),
      [{ user_id: alice.userId, roster_id: carol.userId, reason: 'hi again', status: 0, expired_time: now + 7 * DAY, decline_reason: '' }],
      'one application, updated, expiry renewed',
    )
    t.not((await carol.call('GET', '/roster/apply/list')).version, v1)

    t.same(await carol.call('POST', '/roster/accept', { query: { user_id: alice.userId } }), { code: 200, message: null, data: true })
    t.same(await friendIds(carol), [alice.userId])
    t.ok((await friendIds(alice)).includes(carol.userId))
    t.match(await applications(carol), [{ user_id: alice.userId, status: 1 }])
    const [seen] = (await alice.call('POST', '/roster/list', { body: { list: [carol.userId] } })).data
    t.equal(seen.alias, 'Caz', 'the alias of the first application survives an update without alias')
    t.match(await carol.call('PUT', '/roster/accept', { query: { user_id: alice.userId } }), { code: 10007, data: null }, 'nothing left to accept')
  })

  await t.test('accept with PUT and the parameter in the body, as some clients send it', async (t) => {
    const kim = await register('kim', 1)
    await alice.call('POST', '/roster/apply', { body: { user_id: kim.userId } })
    t.same(await kim.call('PUT', '/roster/accept', { body: { user_id: alice.userId } }), { code: 200, message: null, data: true })
    t.same(await friendIds(kim), [alice.userId])
  })

  await t.test('decline: the applicant cannot apply again until the declined application expires', async (t) => {
    const dave = await register('dave', 1)
    await alice.call('POST', '/roster/apply', { body: { user_id: dave.userId, reason: 'please' } })
    t.same(await dave.call('POST', '/roster/decline', { body: { user_id: alice.userId, reason: 'no thanks' } }), { code: 200, message: null, data: true })
    t.same(
      (await allApplications(alice)).filter((a: { roster_id: number }) => a.roster_id === dave.userId),
      [{ user_id: alice.userId, roster_id: dave.userId, reason: 'please', status: 2, expired_time: now + 7 * DAY, decline_reason: 'no thanks' }],
      'the applicant sees the decline and its reason',
    )
    t.match(await dave.call('PUT', '/roster/decline', { body: { user_id: alice.userId } }), { code: 10007 }, 'already declined')
    t.match(await dave.call('POST', '/roster/accept', { query: { user_id: alice.userId } }), { code: 10007 }, 'a declined application cannot be accepted')
    t.match(await alice.call('POST', '/roster/apply', { body: { user_id: dave.userId } }), { code: 10012, data: null })
    now += 7 * DAY + 1
    t.equal((await alice.call('POST', '/roster/apply', { body: { user_id: dave.userId } })).code, 200, 'allowed again after expiry')
    t.match((await applications(dave))[0], { user_id: alice.userId, status: 0 })
  })

  await t.test('expiry: after 7 days a pending application can be neither accepted nor declined', async (t) => {
    const erin = await register('erin', 1)
    await alice.call('POST', '/roster/apply', { body: { user_id: erin.userId } })
    const sentAt = now
    now += 7 * DAY - 1
    t.match((await applications(erin))[0], { status: 0, expired_time: sentAt + 7 * DAY })
    now += 1
    t.match(await erin.call('POST', '/roster/accept', { query: { user_id: alice.userId } }), { code: 10007, message: /expired/ })
    t.match(await erin.call('POST', '/roster/decline', { body: { user_id: alice.userId } }), { code: 10007 })
    t.ok((await applications(erin))[0].expired_time <= now, 'the list shows it expired')
    t.equal((await alice.call('POST', '/roster/apply', { body: { user_id: erin.userId } })).code, 200, 're-applying renews it')
    t.equal((await erin.call('POST', '/roster/accept', { query: { user_id: alice.userId } })).code, 200)
    t.ok((await friendIds(erin)).includes(alice.userId))
  })

  await t.test('auth_mode 2: the right answer befriends at once, others are refused', async (t) => {
    const frank = await register('frank', 2, 'Capital of France?', 'Paris')
    const found = await alice.call('GET', '/roster/id', { query: { user_id: frank.userId } })
    t.match(found.data, { auth_mode: 2, auth_question: 'Capital of France?' })
    t.notOk('auth_answer' in found.data, 'the answer is never shown')
    t.match(await alice.call('POST', '/roster/apply', { body: { user_id: frank.userId } }), { code: 10012, message: /auth_answer/ })
    t.match(await alice.call('POST', '/roster/apply', { body: { user_id: frank.userId, auth_answer: 'Lyon' } }), { code: 10012 })
    t.same(await friendIds(frank), [])
    t.same(await applications(frank), [], 'a wrong answer leaves no application')
    t.equal((await alice.call('POST', '/roster/apply', { body: { user_id: frank.userId, auth_answer: ' paris ' } })).code, 200)
    t.same(await friendIds(frank), [alice.userId])
  })

  await t.test('auth_mode 3: every application is refused', async (t) => {
    const gina = await register('gina', 3)
    t.match(await alice.call('POST', '/roster/apply', { body: { user_id: gina.userId, reason: 'hi' } }), { code: 10012, message: /refuses every/ })
    t.same(await friendIds(gina), [])
    t.same(await applications(gina), [])
  })

  await t.test('crossing applications: applying to someone who applied to you befriends at once', async (t) => {
    const hank = await register('hank', 1)
    const ivan = await register('ivan', 1)
    await hank.call('POST', '/roster/apply', { body: { user_id: ivan.userId } })
    t.equal((await ivan.call('POST', '/roster/apply', { body: { user_id: hank.userId } })).code, 200)
    t.same(await friendIds(hank), [ivan.userId])
    t.same(await friendIds(ivan), [hank.userId])
    t.match(await allApplications(hank), [{ user_id: hank.userId, roster_id: ivan.userId, status: 1 }])
  })

  await t.test('apply list pages newest first with a cursor, none twice, none missed', async (t) => {
    const popular = await register('popular', 1)
    const applicants: TestUser[] = []
    for (let i = 0; i < 5; i++) applicants.push(await registerUser(app, `fan_${i}`))
    for (const fan of applicants) await restClient(app, fan.token)('POST', '/roster/apply', { body: { user_id: popular.userId } })
    const seen: number[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await popular.call('GET', '/roster/apply/list', { query: { limit: 2, ...(cursor ? { cursor } : {}) } })
      t.equal(page.code, 200)
      t.type(page.version, 'number')
      seen.push(...page.data.map((a: { user_id: number }) => a.user_id))
      cursor = page.cursor
      pages++
    } while (cursor)
    t.equal(pages, 3)
    t.same(seen, applicants.map((a) => a.userId).reverse(), 'newest first, each once')
  })

  await t.test('apply/batch: the admin, acting as a user, befriends many at once and lists refusals', async (t) => {
    const lead = await register('lead', 3)
    const x = await register('xavier', 1)
    const y = await register('yvonne', 3)
    const admin = restClient(app, ADMIN_TOKEN)
    const blocker = await register('blocker')
    await blocker.call('POST', '/roster/block', { query: { user_id: lead.userId } })
    const result = await admin('POST', '/roster/apply/batch', {
      headers: { user_id: String(lead.userId) },
      body: { user_id: x.userId, user_ids: [y.userId, lead.userId, 99999, blocker.userId, x.userId], alias: 'team', reason: 'same team' },
    })
    t.equal(result.code, 200)
    t.same(result.data.success, [x.userId, y.userId], 'auth modes do not stop the admin')
    t.same(result.data.fails, [
      { reason: 'cannot befriend oneself', user_id: lead.userId },
      { reason: 'user does not exist', user_id: 99999 },
      { reason: 'in blacklist', user_id: blocker.userId },
    ])
    t.same(await friendIds(lead), [x.userId, y.userId])
    t.same(await friendIds(y), [lead.userId])
    t.match(await applications(x), [{ user_id: lead.userId, roster_id: x.userId, reason: 'same team', status: 1 }])
    const again = await admin('POST', '/roster/apply/batch', { headers: { user_id: String(lead.userId) }, body: { user_id: x.userId } })
    t.same(again.data, { fails: [{ reason: 'already in friend list', user_id: x.userId }], success: [] })

    t.match(await lead.call('POST', '/roster/apply/batch', { body: { user_id: x.userId } }), { code: 10010, data: null }, 'a user token is refused')
    t.match(await admin('POST', '/roster/apply/batch', { body: { user_id: x.userId } }), { code: 10002, message: /user_id header/ })
    t.match(await admin('POST', '/roster/apply/batch', { headers: { user_id: String(lead.userId) }, body: {} }), { code: 10002, message: /at least one/ })
  })

  await t.test('concurrent requests: one pending application, crossing applications befriend, no deadlock', async (t) => {
    const kate = await register('kate', 1)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => alice.call('POST', '/roster/apply', { body: { user_id: kate.userId, reason: `try ${i}` } })),
    )
    t.same(
      results.map((r) => r.code),
      Array(8).fill(200),
    )
    t.equal((await applications(kate)).length, 1, 'applying at once many times leaves one application')

    const leo = await register('leo', 1)
    const mia = await register('mia', 1)
    const crossing = await Promise.all([
      leo.call('POST', '/roster/apply', { body: { user_id: mia.userId } }),
      mia.call('POST', '/roster/apply', { body: { user_id: leo.userId } }),
    ])
    t.same(
      crossing.map((r) => r.code),
      [200, 200],
    )
    t.same(await friendIds(leo), [mia.userId], 'whichever came second befriended the two')

    const ring = await Promise.all(['ring_a', 'ring_b', 'ring_c', 'ring_d'].map((name) => register(name)))
    const pairs = ring.flatMap((a, i) => ring.slice(i + 1).map((b) => [a, b] as const))
    const answers = await Promise.all(
      pairs.flatMap(([a, b]) => [
        a.call('POST', '/roster/apply', { body: { user_id: b.userId } }),
        b.call('POST', '/roster/block', { query: { user_id: a.userId } }).then(() => b.call('POST', '/roster/unblock', { query: { user_id: a.userId } })),
      ]),
    )
    t.notOk(
      answers.some((r) => r.code === 20000),
      'no request failed inside the database',
    )
  })

  await t.test('the admin token acts as a user through the user_id header', async (t) => {
    const admin = restClient(app, ADMIN_TOKEN)
    const judy = await register('judy', 1)
    const asAlice = { user_id: String(alice.userId) }
    t.equal((await admin('POST', '/roster/apply', { headers: asAlice, body: { user_id: judy.userId } })).code, 200)
    t.match(await applications(judy), [{ user_id: alice.userId, status: 0 }])
    t.match(await admin('POST', '/roster/apply', { body: { user_id: judy.userId } }), { code: 10002, message: /user_id header/ })
  })
})
