// Every routed REST operation refuses a missing token (10003) unless public, and admin operations refuse user tokens (10010).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

const operations = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'spec', 'rest-api.json'), 'utf8')) as Array<{ method: string; path: string }>

/** semantics §2: public operations (and avatars, public by their random names), and those that need the app admin token. */
const PUBLIC = new Set(['/token/id', '/token/login', '/token/user', '/user/register', '/user/register/v2', '/user/register/push', '/file/download/avatar'])
const ADMIN = new Set([
  '/user/disable',
  '/user/enable',
  '/user/register/batch',
  '/user/profile/batch',
  '/user/avatar/batch',
  '/roster/apply/batch',
  '/message/notify',
  '/push/notify',
  '/push/task/detail',
  '/push/certificate',
])

t.test('auth on every routed operation', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  let checked = 0
  for (const op of operations) {
    const method = op.method as 'GET'
    if (!app.hasRoute({ method, url: op.path }) || PUBLIC.has(op.path)) continue
    checked++
    const anonymous = await app.inject({ method, url: op.path, payload: method === 'GET' ? undefined : {} })
    t.match(anonymous.json(), { code: 10003, data: null }, `${op.method} ${op.path} without a token`)
    if (ADMIN.has(op.path)) {
      const asUser = await app.inject({ method, url: op.path, headers: { 'access-token': user.token }, payload: method === 'GET' ? undefined : {} })
      t.match(asUser.json(), { code: 10010 }, `${op.method} ${op.path} with a user token`)
    }
  }
  // The loop above asserts nothing if no operation is routed: say how many were.
  t.ok(checked > 100, `${checked} routed operations checked`)
})
