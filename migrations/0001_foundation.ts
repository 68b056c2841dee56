// Apps, users with settings and legacy profile, devices, and the one token store of every surface.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('username', 'text')
    .addColumn('mobile', 'text')
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('nick_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('avatar', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('public_info', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('private_info', 'text', (c) => c.notNull().defaultTo(''))
    // The legacy extended profile (sex, age, country, … signature): stored once, shown by the legacy surface.
    .addColumn('profile', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index users_app_username on users (app_id, lower(username)) where username is not null`.execute(db)
  await sql`create unique index users_app_mobile on users (app_id, mobile) where mobile is not null`.execute(db)
  await sql`create unique index users_app_email on users (app_id, lower(email)) where email is not null`.execute(db)

  await db.schema
    .createTable('user_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('auth_mode', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_question', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('auth_answer', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('auto_download', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('group_confirm', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('no_push', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('no_push_detail', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('no_push_start_hour', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_push_end_hour', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_sounds', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('push_nick_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('silence_start_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('silence_end_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vibratory', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute()

  await db.schema
    .createTable('devices')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_sn', 'integer', (c) => c.notNull())
    .addColumn('device_guid', 'text', (c) => c.notNull())
    .addColumn('platform', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('push_token', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_login_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('devices_user_guid', ['user_id', 'device_guid'])
    .addUniqueConstraint('devices_user_sn', ['user_id', 'device_sn'])
    .execute()

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'admin')`))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('device_id', 'integer', (c) => c.references('devices.id').onDelete('set null'))
    // SHA-256 hex of the token; the token itself is never stored.
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    .addColumn('client', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint('tokens_user_kind', sql`(kind = 'admin') = (user_id is null)`)
    .execute()
  await db.schema.createIndex('tokens_user').on('tokens').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tokens', 'devices', 'user_settings', 'users', 'apps']) {
    await db.schema.dropTable(table).execute()
  }
}
