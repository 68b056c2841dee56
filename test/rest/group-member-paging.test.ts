// member_list of a 5,000-member group pages through HTTP with stable cursors: no member twice, none missed, even while members come and go.
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { insertMembers, preferIndexOrder } from '../../src/domain/groups/groups.repository.ts'

const SIZE = 5000

t.test('member_list of a 5,000-member group', async (t) => {
  t.setTimeout(120_000)
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const db = app.testDatabase.database.db
  const owner = await registerUser(app, 'owner')
  const groupId = await createGroup(app, owner, { name: 'Big' })

  // 4,999 users and their memberships in two statements: the fixture, not what is tested.
  const users = await db
    .insertInto('users')
    .values(Array.from({ length: SIZE - 1 }, (_, i) => ({ app_id: 'default', username: `bulk_${i}`, password_hash: null })))
    .returning('id')
    .execute()
  await db.transaction().execute((trx) =>
    insertMembers(
      trx,
      groupId,
      users.map((u) => ({ userId: u.id })),
    ),
  )
  const expected = [owner.userId, ...users.map((u) => u.id)]

  const pageThrough = async (limit: number | undefined, between?: (page: number) => Promise<void>) => {
    const seen: number[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const query = new URLSearchParams({ group_id: String(groupId), ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) })
      const page = await rest(owner, 'GET', `/group/member_list?${query}`)
      if (page.code !== 200) throw new Error(JSON.stringify(page))
      seen.push(...page.data.map((m: { user_id: number }) => m.user_id))
      cursor = page.cursor
      pages++
      await between?.(pages)
    } while (cursor)
    return { seen, pages }
  }

  await t.test('the default page is 1,000; five pages hold everyone once, in join order', async (t) => {
    const { seen, pages } = await pageThrough(undefined)
    t.equal(pages, 5)
    t.equal(seen.length, SIZE)
    t.equal(new Set(seen).size, SIZE, 'no member twice')
    t.same(seen, expected, 'none missed, join order')
  })

  await t.test('an odd page size ends with a short page and no cursor', async (t) => {
    const { seen, pages } = await pageThrough(777)
    t.equal(pages, Math.ceil(SIZE / 777))
    t.same(seen, expected)
  })

  await t.test('members leaving and joining mid-walk neither repeat nor hide the others', async (t) => {
    const newcomer = await registerUser(app)
    const seenEarly = expected[10]!
    const { seen } = await pageThrough(600, async (page) => {
      if (page !== 2) return
      // One member already shown leaves, one joins at the end.
      await rest(owner, 'POST', '/group/kick', { group_id: groupId, user_list: [seenEarly] })
      await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [newcomer.userId] })
    })
    t.equal(new Set(seen).size, seen.length, 'no member twice')
    t.same(seen, [...expected, newcomer.userId], 'everyone present throughout, plus the newcomer at the end')
    const total = (await rest(owner, 'GET', `/group/member_list?group_id=${groupId}&limit=1`)).total
    t.equal(total, SIZE, 'total follows the membership')
  })

  await t.test('a page is an ordered index range scan whatever the statistics say: nothing before the cursor is read or sorted', async (t) => {
    const [row] = (await sql<{ id: number }>`select id from group_members where group_id = ${groupId} order by id offset 4000 limit 1`.execute(db)).rows
    for (const after of [0, row!.id]) {
      // As member_list runs it: in a transaction that prefers index order (statistics of the bulk insert are stale here).
      const plan = await db.transaction().execute(async (trx) => {
        await preferIndexOrder(trx)
        return sql<{ 'QUERY PLAN': string }>`explain select * from group_members where group_id = ${groupId} and id > ${after} order by id limit 1001`.execute(
          trx,
        )
      })
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n')
      t.match(text, /Index Scan using group_members_group_id[\s\S]*Index Cond: \(\(group_id = \d+\) AND \(id > /, text)
      t.notMatch(text, /Seq Scan|Sort|Bitmap/, text)
    }
  })
})
