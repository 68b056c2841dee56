// Migration 0007 turns stored mobiles into E.164; numbers that collide or are not numbers are set aside, not lost.
import t from 'tap'
import { sql } from 'kysely'
import { databaseBefore } from '../helpers/database.ts'
import * as migration from '../../migrations/0007_mobile_numbers.ts'

t.test('stored mobiles become E.164; duplicates and non-numbers are set aside with a reason', async (t) => {
  // The data as it was before the migration, then forward again.
  const db = await databaseBefore(t, migration)
  await db
    .insertInto('apps')
    .values([{ id: 'default' }, { id: 'other' }])
    .onConflict((c) => c.doNothing())
    .execute()
  const user = async (app_id: string, username: string, mobile: string) =>
    (await db.insertInto('users').values({ app_id, username, mobile, email: null, password_hash: null }).returning('id').executeTakeFirstOrThrow()).id
  const plain = await user('default', 'plain', '13800138000')
  const spaced = await user('default', 'spaced', '+86 139 1234 5678')
  const older = await user('default', 'older', '0086-137-0000-0001')
  const newerButIdle = await user('default', 'idle', '13700000001')
  const invalid = await user('default', 'invalid', '1362222222')
  const otherApp = await user('other', 'elsewhere', '13800138000')
  // `older` signed in recently: it keeps the number its idle twin also claims.
  await db
    .insertInto('tokens')
    .values({ app_id: 'default', kind: 'user', user_id: older, device_id: null, digest: 'd-older', expires_at: null, revoked_at: null })
    .execute()
  await db
    .insertInto('verification_codes')
    .values({ app_id: 'default', target: '139 0000 0000', purpose: 'register', code_digest: 'x', expires_at: new Date(Date.now() + 600_000), used_at: null })
    .execute()

  await migration.up(db)

  const mobiles = Object.fromEntries((await db.selectFrom('users').select(['id', 'mobile']).execute()).map((u) => [u.id, u.mobile]))
  t.equal(mobiles[plain], '+8613800138000')
  t.equal(mobiles[spaced], '+8613912345678')
  t.equal(mobiles[older], '+8613700000001', 'the account that signed in last keeps a shared number')
  t.equal(mobiles[newerButIdle], null)
  t.equal(mobiles[invalid], null)
  t.equal(mobiles[otherApp], '+8613800138000', 'apps are separate')
  const setAside = await db.selectFrom('users_mobile_set_aside').select(['user_id', 'mobile', 'normalized', 'reason']).orderBy('user_id').execute()
  t.same(
    setAside,
    [
      { user_id: newerButIdle, mobile: '13700000001', normalized: '+8613700000001', reason: `kept by user ${older}` },
      { user_id: invalid, mobile: '1362222222', normalized: null, reason: 'not a mobile number' },
    ],
    'nothing is lost',
  )
  t.equal((await db.selectFrom('verification_codes').select('target').executeTakeFirstOrThrow()).target, '+8613900000000', 'live codes follow their number')
  await t.rejects(
    sql`insert into verification_codes (app_id, target, purpose, code_digest, expires_at) values ('default', 'x', 'other', 'x', now())`.execute(db),
    'purposes stay checked',
  )
  await sql`insert into verification_codes (app_id, target, purpose, code_digest, expires_at) values ('default', '+8613900000001', 'bind', 'x', now())`.execute(
    db,
  )
})
