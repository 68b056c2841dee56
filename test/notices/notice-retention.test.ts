// Notices are kept 30 days: the retention round purges older ones and keeps the rest.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { befriend, registerUser } from '../helpers/users.ts'
import { restAs } from '../helpers/groups.ts'

const DAY = 24 * 3600 * 1000

t.test('notices older than 30 days are purged by the retention round', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, { overrides: { now: () => clock } })
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  await befriend(app, alice, bob)
  const types = async () => (await app.services.notices.after(alice.userId, 0, 100)).map((n) => n.type)
  t.same(await types(), ['ADDED'])

  clock += 29 * DAY
  t.equal((await app.services.retention.purge()).notices, 0, 'at 29 days it stays')
  await restAs(app)(alice, 'POST', '/user/profile', { nick_name: 'Alice' })
  clock += 2 * DAY
  t.equal((await app.services.retention.purge()).notices, 2, "at 31 days both users' ADDED go")
  t.same(await types(), ['INFO_UPDATED'], 'the newer notice stays')
})
