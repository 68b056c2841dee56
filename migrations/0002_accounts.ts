// Accounts beyond the slice: verification codes, push settings and tags, vendor device tokens, bound open ids.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('verification_codes')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    // A mobile number or an email address.
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('register', 'reset')`))
    // SHA-256 of the code: a database reader cannot use a live code.
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('verification_codes_target').on('verification_codes').columns(['app_id', 'target', 'purpose', 'id']).execute()

  await db.schema
    .alterTable('user_settings')
    .addColumn('push_alias', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('push_badge', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('user_push_tags')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_push_tags_pk', ['user_id', 'tag'])
    .execute()

  // A vendor push token (APNs, FCM, …) bound to one of the user's devices.
  await db.schema
    .alterTable('devices')
    .addColumn('device_token', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('notifier_name', 'text', (c) => c.notNull().defaultTo(''))
    .execute()

  await db.schema
    .createTable('user_open_ids')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('open_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_open_ids_pk', ['app_id', 'type', 'open_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_open_ids').execute()
  await db.schema.alterTable('devices').dropColumn('device_token').dropColumn('notifier_name').execute()
  await db.schema.dropTable('user_push_tags').execute()
  await db.schema.alterTable('user_settings').dropColumn('push_alias').dropColumn('push_badge').execute()
  await db.schema.dropTable('verification_codes').execute()
}
