// The notice log: one row per recipient of each group, roster or user change, written in the change's transaction, and
// each device's cursor in it (what the xsync system conversation uid 0 has sent that device).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_notices')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull())
    // The recipient. No foreign key: a group notice is one INSERT … SELECT over the members, and users are never deleted.
    .addColumn('user_id', 'integer', (c) => c.notNull())
    // 'group' | 'roster' | 'user'
    .addColumn('kind', 'text', (c) => c.notNull())
    // The notice's name as the protocols know it (JOINED, APPLIED, INFO_UPDATED …).
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer')
    // Who acted; null for the system (the app admin).
    .addColumn('actor_id', 'integer')
    // Whom it concerns (kicked members, the applicant …).
    .addColumn('subject_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // Free text or JSON (INFO_UPDATED: the changed fields).
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // A user's notices after a cursor, and the count of them.
  await db.schema.createIndex('user_notices_user').on('user_notices').columns(['user_id', 'id']).execute()
  // Retention deletes by age.
  await db.schema.createIndex('user_notices_created').on('user_notices').column('created_at').execute()

  await db.schema
    .createTable('device_notice_cursors')
    .addColumn('device_id', 'integer', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    // The newest notice id this device has been sent.
    .addColumn('seen_id', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('device_notice_cursors').execute()
  await db.schema.dropTable('user_notices').execute()
}
