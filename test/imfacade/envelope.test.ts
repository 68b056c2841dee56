// The IM facade answers {detail} with DRF statuses, and /api/im/token/ hands out a working token.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

t.test('IM facade envelope and token', async (t) => {
  const app = await buildTestApp(t)
  const dave = await registerUser(app, 'dave')

  await t.test('token with and without the trailing slash, Token and Bearer schemes', async (t) => {
    for (const [url, scheme] of [
      ['/api/im/token/', 'Token'],
      ['/api/im/token', 'Bearer'],
    ] as const) {
      const r = await app.inject({ method: 'GET', url, headers: { authorization: `${scheme} ${dave.token}` } })
      t.equal(r.statusCode, 200)
      t.match(r.json(), { key: /^[A-Za-z0-9_-]{43}$/ })
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': r.json().key } })
      t.equal(profile.json().data.user_id, dave.userId, 'the key is a token of the same user')
    }
  })

  await t.test('401 without or with a bad token, 404 for unknown routes, all as {detail}', async (t) => {
    const none = await app.inject({ method: 'GET', url: '/api/im/token/' })
    t.equal(none.statusCode, 401)
    t.same(none.json(), { detail: '身份认证信息未提供。' })
    const bad = await app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: `Token ${'z'.repeat(43)}` } })
    t.equal(bad.statusCode, 401)
    t.same(bad.json(), { detail: '认证令牌无效。' })
    const scheme = await app.inject({ method: 'GET', url: '/api/im/token/', headers: { authorization: 'Basic abc' } })
    t.equal(scheme.statusCode, 401)
    const missing = await app.inject({ method: 'GET', url: '/api/im/nothing/' })
    t.equal(missing.statusCode, 404)
    t.same(missing.json(), { detail: '未找到。' })
  })
})
