// Every answer of the three surfaces, errors of every kind included, says it is JSON in UTF-8 (iOS clients refuse a body that does not).
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup } from '../helpers/groups.ts'

const JSON_UTF8 = 'application/json; charset=utf-8'
type Request = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string | object }

async function expectJson(t: Test, app: TestApp, what: string, request: Request, status: number) {
  const r = await app.inject(request)
  t.equal(r.statusCode, status, `${what}: HTTP ${status}`)
  t.equal(r.headers['content-type'], JSON_UTF8, `${what}: ${JSON_UTF8}`)
  t.doesNotThrow(() => JSON.parse(r.body), `${what}: a JSON body`)
}

const big = (bytes: number) => `x=${'a'.repeat(bytes)}`
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('every error kind on every surface is application/json; charset=utf-8', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  const legacy = { uid: String(user.userId), accessToken: user.token }
  const facade = { authorization: `Token ${user.token}` }
  const groupId = await createGroup(app, user)
  const cases: Array<[string, Request, number]> = [
    ['REST validation', { method: 'POST', url: '/user/register/v2', payload: {} }, 200],
    ['REST authentication', { method: 'GET', url: '/user/profile' }, 200],
    ['REST not found', { method: 'GET', url: '/no/such/operation' }, 404],
    ['REST wrong method', { method: 'DELETE', url: '/user/register/v2' }, 404],
    ['REST too large', { method: 'POST', url: '/user/register/v2', headers: FORM, payload: big(2 * 1024 * 1024) }, 413],
    ['legacy validation', { method: 'POST', url: '/user/user!login', payload: {} }, 200],
    ['legacy authentication', { method: 'POST', url: '/user/user!readUser' }, 200],
    ['legacy not found', { method: 'POST', url: '/user/user!noSuchMethod' }, 200],
    ['legacy wrong method', { method: 'PUT', url: '/user/user!login' }, 200],
    ['legacy too large', { method: 'POST', url: '/user/user!updateUser', headers: { ...FORM, ...legacy }, payload: big(2 * 1024 * 1024) }, 200],
    ['legacy business error', { method: 'POST', url: '/chat/group!joinGroup', headers: legacy, payload: { groupId: '2147483647' } }, 200],
    ['facade validation', { method: 'POST', url: '/api/im/group/1/join/', headers: facade, payload: {} }, 400],
    ['facade authentication', { method: 'GET', url: '/api/im/token/' }, 401],
    ['facade not found', { method: 'GET', url: '/api/im/nothing/' }, 404],
    ['facade wrong method', { method: 'DELETE', url: '/api/im/token/' }, 405],
    ['facade too large', { method: 'POST', url: '/api/im/group/', headers: { ...FORM, ...facade }, payload: big(2 * 1024 * 1024) }, 413],
  ]
  for (const [what, request, status] of cases) await expectJson(t, app, what, request, status)

  // A fault the client did not cause: the table the group lists read is gone.
  await sql`drop table group_announcements cascade`.execute(app.testDatabase.database.db)
  await expectJson(
    t,
    app,
    'REST internal',
    { method: 'GET', url: `/group/announcement/last?group_id=${groupId}`, headers: { 'access-token': user.token } },
    500,
  )
  await expectJson(t, app, 'legacy internal', { method: 'POST', url: '/chat/group!groupList', headers: legacy }, 500)
  await expectJson(t, app, 'facade internal', { method: 'GET', url: '/api/im/group/', headers: facade }, 500)
  const facadeInternal = await app.inject({ method: 'GET', url: '/api/im/group/', headers: facade })
  t.same(facadeInternal.json(), { detail: '服务器出现了错误。' }, "in DRF's words")
  t.same((await app.inject({ method: 'POST', url: '/chat/group!groupList', headers: legacy })).json(), {
    success: false,
    info: '服务器错误，请稍后再试',
    code: 20000,
  })
})

t.test('rate-limited answers are JSON too', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '1' } })
  await app.inject({ method: 'GET', url: '/user/profile' })
  await expectJson(t, app, 'REST rate limited', { method: 'GET', url: '/user/profile' }, 429)
  await expectJson(t, app, 'legacy rate limited', { method: 'POST', url: '/user/user!readUser' }, 200)
  await expectJson(t, app, 'facade rate limited', { method: 'GET', url: '/api/im/token/' }, 429)
})
