// A 2,000-friend roster paged through GET /roster/list: every friend once, none missed, and a version that follows changes.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { restClient } from '../helpers/roster.ts'
import { bumpVersions, upsertFriendRecords } from '../../src/domain/roster/roster.repository.ts'

const FRIENDS = 2000

t.test('paging a 2,000-friend list', async (t) => {
  t.setTimeout(120_000)
  const app = await buildTestApp(t)
  const owner = await registerUser(app, 'popular')
  const call = restClient(app, owner.token)
  const appId = app.config.DEFAULT_APP_ID

  // Friendships made in bulk through the repository; only the paging goes through HTTP.
  const db = app.testDatabase.database.db
  const users = await db
    .insertInto('users')
    .values(Array.from({ length: FRIENDS }, (_, i) => ({ app_id: appId, username: `friend_${i}`, mobile: null, email: null, password_hash: null })))
    .returning('id')
    .execute()
  await db
    .insertInto('user_settings')
    .values(users.map((u) => ({ user_id: u.id })))
    .execute()
  const friendIds = users.map((u) => u.id).sort((a, b) => a - b)
  await upsertFriendRecords(
    db,
    appId,
    friendIds.flatMap((id) => [
      { userId: owner.userId, rosterId: id },
      { userId: id, rosterId: owner.userId },
    ]),
    new Date(),
  )
  await bumpVersions(db, 'roster_version', [owner.userId, ...friendIds])

  const pageThrough = async (limit?: number) => {
    const seen: number[] = []
    const versions = new Set<number>()
    let cursor: string | undefined
    let pages = 0
    do {
      const query: Record<string, string | number> = {}
      if (limit !== undefined) query.limit = limit
      if (cursor !== undefined) query.cursor = cursor
      const page = await call('GET', '/roster/list', { query })
      if (page.code !== 200) throw new Error(JSON.stringify(page))
      seen.push(...page.data)
      versions.add(page.version)
      cursor = page.cursor
      pages++
    } while (cursor !== undefined)
    return { seen, pages, versions }
  }

  await t.test('pages of 150: each friend once, in id order, cursor absent on the last page', async (t) => {
    const { seen, pages, versions } = await pageThrough(150)
    t.equal(pages, Math.ceil(FRIENDS / 150))
    t.equal(seen.length, FRIENDS, 'none missed')
    t.equal(new Set(seen).size, FRIENDS, 'none twice')
    t.same(seen, friendIds, 'ascending ids, exactly the friends')
    t.equal(versions.size, 1, 'the version holds while the list does not change')
  })

  await t.test('the default page is 1,000 ids; a page that ends the list exactly has no cursor', async (t) => {
    const { seen, pages } = await pageThrough()
    t.equal(pages, 2)
    t.same(seen, friendIds)
    const last = await call('GET', '/roster/list', { query: { limit: 1000, cursor: String(friendIds[999]) } })
    t.equal(last.data.length, 1000)
    t.notOk('cursor' in last, 'no cursor once everything was returned')
  })

  await t.test('a change while paging moves the version and the cursor still neither repeats nor skips', async (t) => {
    const first = await call('GET', '/roster/list', { query: { limit: 500 } })
    const removed = friendIds[100]!
    const deleted = await call('POST', '/roster/delete', { query: { user_id: removed } })
    t.equal(deleted.code, 200)
    const rest: number[] = []
    let cursor: string | undefined = first.cursor
    let version = first.version
    while (cursor !== undefined) {
      const page = await call('GET', '/roster/list', { query: { limit: 500, cursor } })
      rest.push(...page.data)
      version = page.version
      cursor = page.cursor
    }
    t.not(version, first.version, 'the version changed with the list')
    t.same([...first.data, ...rest], friendIds, 'the deletion fell on an earlier page: nothing repeated or skipped after it')
    const { seen } = await pageThrough(700)
    t.same(
      seen,
      friendIds.filter((id) => id !== removed),
    )
  })
})
