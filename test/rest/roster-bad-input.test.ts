// Every /roster operation refuses a missing token, an admin token without a user, and bad input, in the REST envelope.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { restClient, type Call } from '../helpers/roster.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** The 22 operations of 002 §8, each with a call that would be valid for `other`. */
const operations = (other: number): Array<[Method, string, Call]> => [
  ['POST', '/roster/accept', { query: { user_id: other } }],
  ['PUT', '/roster/accept', { query: { user_id: other } }],
  ['POST', '/roster/apply', { body: { user_id: other } }],
  ['POST', '/roster/apply/batch', { body: { user_id: other } }],
  ['GET', '/roster/apply/list', {}],
  ['POST', '/roster/block', { query: { user_id: other } }],
  ['PUT', '/roster/block', { query: { user_id: other } }],
  ['GET', '/roster/blocked_list', {}],
  ['POST', '/roster/decline', { body: { user_id: other } }],
  ['PUT', '/roster/decline', { body: { user_id: other } }],
  ['POST', '/roster/delete', { query: { user_id: other } }],
  ['DELETE', '/roster/delete', { query: { user_id: other } }],
  ['POST', '/roster/ext', { body: { user_id: other, alias: 'x' } }],
  ['PUT', '/roster/ext', { body: { user_id: other, alias: 'x' } }],
  ['GET', '/roster/id', { query: { user_id: other } }],
  ['GET', '/roster/list', {}],
  ['POST', '/roster/list', { body: { list: [other] } }],
  ['GET', '/roster/may_message', { query: { roster_id: other } }],
  ['GET', '/roster/mobile', { query: { mobile: '13800000000' } }],
  ['GET', '/roster/name', { query: { username: 'someone' } }],
  ['POST', '/roster/unblock', { query: { user_id: other } }],
  ['DELETE', '/roster/unblock', { query: { user_id: other } }],
]

t.test('bad input on every /roster operation', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app, 'alice')
  const bob = await registerUser(app, 'bob')
  const call = restClient(app, alice.token)
  const anonymous = restClient(app)
  const admin = restClient(app, ADMIN_TOKEN)
  const ops = operations(bob.userId)

  await t.test('all 22 operations', async (t) => {
    t.equal(ops.length, 22)
  })

  await t.test('no token: 10003; a malformed one: 10008; an unknown one: 402', async (t) => {
    for (const [method, url, c] of ops) {
      t.same(await anonymous(method, url, c), { code: 10003, message: 'access-token header is missing', data: null }, `${method} ${url}`)
      t.match(await anonymous(method, url, { ...c, headers: { 'access-token': 'short' } }), { code: 10008, data: null }, `${method} ${url} malformed`)
      t.match(await anonymous(method, url, { ...c, headers: { 'access-token': 'A'.repeat(43) } }), { code: 402, data: null }, `${method} ${url} unknown`)
    }
  })

  await t.test('the admin token must name the user it acts as (except batch, which needs it too, and may_message)', async (t) => {
    for (const [method, url, c] of ops) {
      if (url === '/roster/may_message') continue
      t.match(await admin(method, url, c), { code: 10002, message: /user_id header/, data: null }, `${method} ${url}`)
    }
    t.match(await admin('GET', '/roster/list', { headers: { user_id: 'abc' } }), { code: 10002, message: /header user_id/ })
    t.match(await admin('GET', '/roster/list', { headers: { user_id: '99999' } }), { code: 10000 }, 'acting as an unknown user')
    t.equal((await admin('GET', '/roster/list', { headers: { user_id: String(alice.userId) } })).code, 200)
  })

  await t.test('a user id that is missing, not an integer or out of range', async (t) => {
    for (const [method, url, c] of ops) {
      const where = c.query && 'user_id' in c.query ? 'query' : c.body && typeof c.body === 'object' && 'user_id' in c.body ? 'body' : undefined
      if (!where || url === '/roster/apply/batch' || url === '/roster/may_message') continue
      const without = (value?: unknown): Call => {
        const params = { ...(where === 'query' ? c.query : (c.body as object)) } as Record<string, unknown>
        if (value === undefined) delete params.user_id
        else params.user_id = value
        return where === 'query' ? { query: params as Call['query'] } : { body: params }
      }
      t.match(await call(method, url, without()), { code: 10002, message: 'invalid parameter: user_id is required', data: null }, `${method} ${url} missing`)
      for (const bad of ['abc', 0, -1, 2 ** 31, 1.5]) {
        t.match(await call(method, url, without(bad)), { code: 10002, message: /user_id/, data: null }, `${method} ${url} user_id=${bad}`)
      }
      if (!['/roster/accept', '/roster/decline', '/roster/id'].includes(url)) {
        t.match(await call(method, url, without(alice.userId)), { code: 10002, message: /yourself/ }, `${method} ${url} oneself`)
      }
      t.match(await call(method, url, without(99999)), { code: 10000, data: null }, `${method} ${url} unknown user`)
    }
  })

  await t.test('strings too long, wrong types', async (t) => {
    const cases: Array<[Method, string, Call, RegExp]> = [
      ['POST', '/roster/apply', { body: { user_id: bob.userId, alias: 'a'.repeat(129) } }, /alias/],
      ['POST', '/roster/apply', { body: { user_id: bob.userId, reason: 'r'.repeat(513) } }, /reason/],
      ['POST', '/roster/apply', { body: { user_id: bob.userId, auth_answer: 'a'.repeat(257) } }, /auth_answer/],
      ['POST', '/roster/apply', { body: { user_id: bob.userId, reason: { text: 'hi' } } }, /reason/],
      ['POST', '/roster/decline', { body: { user_id: bob.userId, reason: 'r'.repeat(513) } }, /reason/],
      ['POST', '/roster/ext', { body: { user_id: bob.userId, ext: 'e'.repeat(4097) } }, /ext/],
      ['POST', '/roster/ext', { body: { user_id: bob.userId, mute_notification: 'maybe' } }, /mute_notification/],
      ['POST', '/roster/ext', { body: { user_id: bob.userId, alias: { text: 'a' } } }, /alias/],
      ['GET', '/roster/apply/list', { query: { limit: 0 } }, /limit/],
      ['GET', '/roster/apply/list', { query: { limit: 1001 } }, /limit/],
      ['GET', '/roster/apply/list', { query: { limit: 'ten' } }, /limit/],
      ['GET', '/roster/apply/list', { query: { cursor: 'abc' } }, /cursor/],
      ['GET', '/roster/list', { query: { limit: 0 } }, /limit/],
      ['GET', '/roster/list', { query: { limit: 1001 } }, /limit/],
      ['GET', '/roster/list', { query: { cursor: '-5' } }, /cursor/],
      ['GET', '/roster/list', { query: { cursor: '99999999999' } }, /cursor/],
      ['GET', '/roster/list', { query: { cursor: 'c'.repeat(33) } }, /cursor/],
      ['POST', '/roster/list', { body: {} }, /list is required/],
      ['POST', '/roster/list', { body: { list: 'all' } }, /list/],
      ['POST', '/roster/list', { body: { list: ['a'] } }, /list/],
      ['POST', '/roster/list', { body: { list: [0] } }, /list/],
      ['POST', '/roster/list', { body: { list: Array.from({ length: 1001 }, (_, i) => i + 1) } }, /list/],
      ['GET', '/roster/id', { query: {} }, /user_id is required/],
      ['GET', '/roster/mobile', { query: {} }, /mobile is required/],
      ['GET', '/roster/mobile', { query: { mobile: 'not-a-number' } }, /mobile/],
      ['GET', '/roster/mobile', { query: { mobile: '1'.repeat(33) } }, /mobile/],
      ['GET', '/roster/name', { query: {} }, /username is required/],
      ['GET', '/roster/name', { query: { username: 'u'.repeat(65) } }, /username/],
      ['GET', '/roster/may_message', { query: {} }, /roster_id is required/],
      ['GET', '/roster/may_message', { query: { roster_id: 'x' } }, /roster_id/],
      ['GET', '/roster/may_message', { query: { roster_id: bob.userId, user_id: 0 } }, /user_id/],
    ]
    for (const [method, url, c, message] of cases) {
      t.match(await call(method, url, c), { code: 10002, message, data: null }, `${method} ${url} ${JSON.stringify(c).slice(0, 80)}`)
    }
    const batch: Array<[unknown, RegExp]> = [
      [{ user_ids: ['a'] }, /user_ids/],
      [{ user_ids: 'all' }, /user_ids/],
      [{ user_ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, /user_ids/],
      [{ user_id: 'x' }, /user_id/],
      [{ user_id: bob.userId, alias: 'a'.repeat(129) }, /alias/],
    ]
    for (const [body, message] of batch) {
      t.match(
        await admin('POST', '/roster/apply/batch', { headers: { user_id: String(alice.userId) }, body }),
        { code: 10002, message, data: null },
        `batch ${JSON.stringify(body).slice(0, 60)}`,
      )
    }
  })

  await t.test('a user of another app is unknown here', async (t) => {
    const db = app.testDatabase.database.db
    await db.insertInto('apps').values({ id: 'other-app', name: 'other' }).execute()
    const stranger = await db
      .insertInto('users')
      .values({ app_id: 'other-app', username: 'elsewhere', mobile: '13900000009', email: null, password_hash: null })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('user_settings').values({ user_id: stranger.id }).execute()
    for (const [method, url, c] of operations(stranger.id)) {
      if (['/roster/apply/list', '/roster/blocked_list', '/roster/list', '/roster/apply/batch', '/roster/mobile', '/roster/name'].includes(url)) continue
      t.match(await call(method, url, c), { code: 10000, data: null }, `${method} ${url}`)
    }
    t.match(await call('GET', '/roster/mobile', { query: { mobile: '13900000009' } }), { code: 10000 })
    t.match(await call('GET', '/roster/name', { query: { username: 'elsewhere' } }), { code: 10000 })
    t.same((await call('POST', '/roster/list', { body: { list: [stranger.id] } })).data, [])
    t.same((await admin('POST', '/roster/apply/batch', { headers: { user_id: String(alice.userId) }, body: { user_id: stranger.id } })).data, {
      fails: [{ reason: 'user does not exist', user_id: stranger.id }],
      success: [],
    })
  })

  await t.test('a JSON body that does not parse', async (t) => {
    const r = await app.inject({
      method: 'POST',
      url: '/roster/apply',
      headers: { 'access-token': alice.token, 'content-type': 'application/json' },
      payload: '{"user_id":',
    })
    t.equal(r.statusCode, 200)
    t.match(r.json(), { code: 10002, data: null })
  })

  await t.test('the token of another app is refused on every operation', async (t) => {
    for (const [method, url, c] of ops) {
      t.match(await call(method, url, { ...c, headers: { app_id: 'other-app' } }), { data: null }, `${method} ${url}`)
      t.not((await call(method, url, { ...c, headers: { app_id: 'other-app' } })).code, 200)
    }
  })
})
