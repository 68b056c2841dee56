// Mobile numbers in E.164 (one number however it was written), bind codes, and the numbers set aside doing so.
import { sql, type Kysely } from 'kysely'
// The rule the service looks numbers up with, so that stored numbers match what lookups ask for.
// This migration runs once per database; a later change of the rule needs a migration of its own.
import { parseMobile } from '../src/domain/accounts/mobile.ts'

const BATCH = 1000

export async function up(db: Kysely<any>): Promise<void> {
  // A signed-in user proves a new mobile with a 'bind' code.
  await sql`alter table verification_codes drop constraint if exists verification_codes_purpose_check`.execute(db)
  await sql`alter table verification_codes add constraint verification_codes_purpose_check check (purpose in ('register', 'reset', 'bind'))`.execute(db)

  // Numbers that could not stay on their account: kept here, never lost, for an operator to settle.
  await db.schema
    .createTable('users_mobile_set_aside')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    // As it was stored.
    .addColumn('mobile', 'text', (c) => c.notNull())
    // Its E.164 form, null when it is not a mobile number.
    .addColumn('normalized', 'text')
    // 'not a mobile number', or 'kept by user <id>' when another account kept the same number.
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('set_aside_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('mobile_migration_0007')
    .addColumn('user_id', 'integer', (c) => c.primaryKey())
    .addColumn('normalized', 'text')
    .execute()
  for (let after = 0; ;) {
    const rows = (await db
      .selectFrom('users')
      .select(['id', 'mobile'])
      .where('mobile', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()) as Array<{ id: number; mobile: string }>
    if (rows.length === 0) break
    await db
      .insertInto('mobile_migration_0007')
      .values(rows.map((r) => ({ user_id: r.id, normalized: parseMobile(r.mobile) ?? null })))
      .execute()
    after = rows[rows.length - 1]!.id
  }

  // Several accounts of an app with one number: the one that signed in last keeps it (else the newest account).
  await sql`
    create table mobile_migration_0007_ranked as
    select m.user_id, u.app_id, u.mobile, m.normalized,
           row_number() over (partition by u.app_id, m.normalized
                              order by (select max(t.created_at) from tokens t where t.user_id = u.id) desc nulls last, u.id desc) as rank,
           first_value(u.id) over (partition by u.app_id, m.normalized
                                   order by (select max(t.created_at) from tokens t where t.user_id = u.id) desc nulls last, u.id desc) as keeper
    from mobile_migration_0007 m join users u on u.id = m.user_id`.execute(db)
  await sql`
    insert into users_mobile_set_aside (user_id, app_id, mobile, normalized, reason)
    select user_id, app_id, mobile, normalized, case when normalized is null then 'not a mobile number' else 'kept by user ' || keeper end
    from mobile_migration_0007_ranked where normalized is null or rank > 1`.execute(db)
  await sql`update users set mobile = null where id in (select user_id from mobile_migration_0007_ranked where normalized is null or rank > 1)`.execute(db)
  await sql`
    update users set mobile = r.normalized from mobile_migration_0007_ranked r
    where users.id = r.user_id and r.rank = 1 and r.normalized is not null and users.mobile <> r.normalized`.execute(db)
  await db.schema.dropTable('mobile_migration_0007_ranked').execute()
  await db.schema.dropTable('mobile_migration_0007').execute()

  // Live codes were sent to numbers as written: look them up in the new form too.
  const codes = (await db
    .selectFrom('verification_codes')
    .select(['id', 'target'])
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('target', 'not like', '%@%')
    .execute()) as Array<{ id: number; target: string }>
  for (const code of codes) {
    const normalized = parseMobile(code.target)
    if (normalized && normalized !== code.target) await db.updateTable('verification_codes').set({ target: normalized }).where('id', '=', code.id).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // Numbers stay in E.164 (a valid form for the old code too); set-aside numbers go back where they were free.
  await sql`
    update users set mobile = s.mobile from users_mobile_set_aside s
    where users.id = s.user_id and users.mobile is null
      and not exists (select 1 from users o where o.app_id = users.app_id and o.mobile = s.mobile)`.execute(db)
  await db.schema.dropTable('users_mobile_set_aside').execute()
  await sql`delete from verification_codes where purpose = 'bind'`.execute(db)
  await sql`alter table verification_codes drop constraint if exists verification_codes_purpose_check`.execute(db)
  await sql`alter table verification_codes add constraint verification_codes_purpose_check check (purpose in ('register', 'reset'))`.execute(db)
}
