// ADMIN_TOKEN is the default app's one admin token: setting another revokes the old one.
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

t.test('rotating ADMIN_TOKEN', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  const asUser = (token: string) =>
    app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': token, user_id: String(user.userId) } }).then((r) => r.json().code)
  t.equal(await asUser(ADMIN_TOKEN), 200)
  const rotated = 'rotated-admin-token-abcdefghijklmnopqrstuvwxyz'
  t.same(await app.services.apps.ensureDefaultApp(rotated), {})
  t.equal(await asUser(rotated), 200, 'the new token works')
  t.equal(await asUser(ADMIN_TOKEN), 402, 'the old one is revoked')
  await app.services.apps.ensureDefaultApp(ADMIN_TOKEN)
  t.equal(await asUser(ADMIN_TOKEN), 200, 'rotating back restores it')
})
