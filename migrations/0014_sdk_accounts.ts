// MaxIM SDK account calls: numbers set without a code (unverified), closed accounts, groups hiding member info, codes sent after a picture captcha.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A number the owner typed without proving it: shown to them only, never a login name (so not unique).
  await db.schema.alterTable('users').addColumn('mobile_unverified', 'text').execute()
  // A closed account keeps its row (messages still name their sender) and its username (nobody can take it).
  await db.schema.alterTable('users').addColumn('deleted_at', 'timestamptz').execute()
  await db.schema
    .alterTable('groups')
    .addColumn('hide_member_info', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  // 'mobile': a code sent by /app/captcha/sms_web, proving the number to whichever step comes next.
  await sql`alter table verification_codes drop constraint if exists verification_codes_purpose_check`.execute(db)
  await sql`alter table verification_codes add constraint verification_codes_purpose_check check (purpose in ('register', 'reset', 'bind', 'mobile'))`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from verification_codes where purpose = 'mobile'`.execute(db)
  await sql`alter table verification_codes drop constraint if exists verification_codes_purpose_check`.execute(db)
  await sql`alter table verification_codes add constraint verification_codes_purpose_check check (purpose in ('register', 'reset', 'bind'))`.execute(db)
  await db.schema.alterTable('groups').dropColumn('hide_member_info').execute()
  await db.schema.alterTable('users').dropColumn('deleted_at').execute()
  await db.schema.alterTable('users').dropColumn('mobile_unverified').execute()
}
