// Retention: expired tokens, verification codes and send-deduplication records are purged on the schedule; processes purging at once share the rows and never wait for each other.
import t from 'tap'
import { sql } from 'kysely'
import pg from 'pg'
import { buildTestApp } from '../helpers/app.ts'
import { inProcessCluster } from '../helpers/cluster.ts'
import { registerUser } from '../helpers/users.ts'
import { send } from '../helpers/messages.ts'
import { FILE_SMS } from '../helpers/sms.ts'
import { pause } from '../helpers/sockets.ts'

const DAY = 24 * 3600 * 1000

t.test('the schedule purges what expired and keeps what is live', async (t) => {
  let clock = Date.now()
  const app = await buildTestApp(t, { env: { RETENTION_INTERVAL_SECONDS: '1', ...FILE_SMS }, overrides: { now: () => clock } })
  const db = app.testDatabase.database.db
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const signedOut = await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password } })
  const count = async (table: 'tokens' | 'verification_codes' | 'message_transactions') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  // Counted while nothing is expired or revoked: the schedule (every second) may run at any moment after this.
  t.equal(await count('tokens'), 4, 'before: admin, alice, bob, the one about to sign out')
  await app.inject({ method: 'POST', url: '/user/user!signOut', headers: { uid: String(alice.userId), accessToken: signedOut.json().data.token } })
  t.equal((await send(app, alice.token, { targets: [bob.userId], content: 'old', transaction_id: 1 })).code, 200)
  t.equal((await app.inject({ method: 'POST', url: '/user/user!sendRegisterCode', payload: { 'userVO.userMobile': '13900000001' } })).json().success, true)

  // A month later: the tokens (30 days), the code (10 minutes) and the dedup record (24 hours) are past their time.
  clock += 31 * DAY
  const fresh = await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password } })
  t.equal(fresh.json().code, 200)
  t.equal((await send(app, fresh.json().data.token, { targets: [bob.userId], content: 'new', transaction_id: 2 })).code, 200)
  t.equal((await app.inject({ method: 'POST', url: '/user/user!sendRegisterCode', payload: { 'userVO.userMobile': '13900000002' } })).json().success, true)

  const deadline = Date.now() + 10_000
  while ((await count('message_transactions')) > 1 && Date.now() < deadline) await pause(200)

  const tokens = await db.selectFrom('tokens').select(['kind', 'user_id']).orderBy('id').execute()
  t.same(
    tokens,
    [
      { kind: 'admin', user_id: null },
      { kind: 'user', user_id: alice.userId },
    ],
    'the expired and the revoked tokens are gone; the admin token and the fresh one stay',
  )
  t.equal(await count('verification_codes'), 1, 'the expired code is gone, the live one stays')
  t.same(
    await db.selectFrom('message_transactions').select('transaction_id').execute(),
    [{ transaction_id: 2 }],
    'the dedup record older than 24 hours is gone, the recent one stays',
  )
  const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: { 'access-token': fresh.json().data.token } })
  t.equal(profile.json().code, 200, 'the live token still works')
})

t.test('processes purging at the same time share the rows and never wait for each other', async (t) => {
  const cluster = await inProcessCluster(t)
  const a = cluster.first
  const b = await cluster.start()
  const db = a.testDatabase.database.db
  const now = Date.now()
  const EXPIRED = 2500
  await sql`
    insert into message_transactions (app_id, sender_id, transaction_id, created_at)
    select 'default', 1, n, ${now - 2 * DAY} from generate_series(1, ${EXPIRED}) n`.execute(db)
  await sql`
    insert into message_transactions (app_id, sender_id, transaction_id, created_at)
    select 'default', 2, n, ${now} from generate_series(1, 10) n`.execute(db)

  // On PostgreSQL, another session holds five of the expired rows (as a purge or a request would).
  const url = a.testDatabase.url
  const holder = url ? new pg.Client({ connectionString: url }) : undefined
  if (holder) {
    await holder.connect()
    t.teardown(() => holder.end())
    await holder.query('begin')
    await holder.query('select 1 from message_transactions where sender_id = 1 and transaction_id <= 5 for update')
  }
  const held = holder ? 5 : 0
  const rounds = await Promise.race([
    Promise.all([a.services.retention.purge(), b.app.services.retention.purge()]),
    pause(15_000).then(() => {
      throw new Error('a purge waited for rows held elsewhere')
    }),
  ])
  t.equal(
    rounds[0].transactions + rounds[1].transactions,
    EXPIRED - held,
    `the two rounds together deleted each expired row once (${rounds[0].transactions} + ${rounds[1].transactions})`,
  )
  const left = await db.selectFrom('message_transactions').select(['sender_id']).execute()
  t.equal(left.filter((r) => r.sender_id === 2).length, 10, 'the recent records stay')
  t.equal(left.filter((r) => r.sender_id === 1).length, held, holder ? 'the rows held elsewhere were skipped, not waited for' : 'no expired record is left')
  if (holder) {
    await holder.query('commit')
    t.equal((await a.services.retention.purge()).transactions, 5, 'the next round takes them')
  }
})
