// Friends: each user's roster records (friendship, blacklist, alias/ext), friend applications and list versions.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One record per (owner, other user): both sides of a friendship have one, kept consistent by the domain.
  await db.schema
    .createTable('roster_items')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('roster_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    // 0 friend, 1 deleted friend (the deleter's record), 2 stranger (semantics §5); blacklisting is `blocked`.
    .addColumn('relation', 'integer', (c) => c.notNull().check(sql`relation in (0, 1, 2)`))
    // Blocking keeps the friendship: the blacklist is a flag beside the relation, not a relation of its own.
    .addColumn('blocked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('alias', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ext', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mute_notification', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('roster_items_pk', ['user_id', 'roster_id'])
    .addCheckConstraint('roster_items_not_self', sql`user_id <> roster_id`)
    .execute()
  // The friend list pages by roster_id; the blacklist is read whole.
  await sql`create index roster_items_friends on roster_items (user_id, roster_id) where relation = 0`.execute(db)
  await sql`create index roster_items_blocked on roster_items (user_id, roster_id) where blocked`.execute(db)
  await db.schema.createIndex('roster_items_roster').on('roster_items').column('roster_id').execute()

  await db.schema
    .createTable('roster_applications')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('applicant_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('target_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // 0 pending, 1 accepted, 2 declined (semantics §5); a pending one past expires_at is expired.
    .addColumn('status', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`status in (0, 1, 2)`),
    )
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    // The applicant's alias for the target, applied when the application is accepted.
    .addColumn('alias', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decline_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // Applying twice updates the one pending application of the pair.
  await sql`create unique index roster_applications_pending on roster_applications (applicant_id, target_id) where status = 0`.execute(db)
  await db.schema.createIndex('roster_applications_target').on('roster_applications').columns(['target_id', 'id']).execute()
  await db.schema.createIndex('roster_applications_applicant').on('roster_applications').columns(['applicant_id', 'id']).execute()

  // Versions of a user's friend list and application list: bumped on every change, read by paging clients.
  await db.schema
    .createTable('roster_versions')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('roster_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('apply_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['roster_versions', 'roster_applications', 'roster_items']) {
    await db.schema.dropTable(table).execute()
  }
}
