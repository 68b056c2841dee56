// Push: each app's provider credentials (secrets sealed), /push/notify tasks with their per-channel counts, and the
// durable outbox of push work that a worker in any process takes with SKIP LOCKED.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('push_credentials')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    // 002 §4: 1 APNs, 2 Huawei, 3 Xiaomi, 4 Meizu, 5 vivo, 6 OPPO, 7 FCM (8 Web Push is this gateway's own).
    .addColumn('provider', 'smallint', (c) => c.notNull())
    // 0 production, 1 development (APNs sandbox); other providers have one environment and use 0.
    .addColumn('environment', 'smallint', (c) => c.notNull().defaultTo(0))
    // Fields that are not secret (key id, team id, bundle id, package name, app key …), shown as stored.
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The secret fields as JSON, sealed with PUSH_SECRET_KEY (platform/push secret box); never returned in full.
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('push_credentials_pk', ['app_id', 'provider', 'environment'])
    .execute()

  await db.schema
    .createTable('push_tasks')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    // setting.request_id: the same id from the same app answers the first task (across processes and restarts).
    .addColumn('request_id', 'text')
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('setting', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('push_tasks_request').on('push_tasks').columns(['app_id', 'request_id']).unique().where('request_id', 'is not', null).execute()

  // One row per task and channel ('mxpush' = the gateway's own sockets; 'apns', 'fcm', 'huawei', … the providers).
  await db.schema
    .createTable('push_task_counts')
    .addColumn('task_id', 'bigint', (c) => c.notNull().references('push_tasks.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('push_task_counts_pk', ['task_id', 'channel'])
    .execute()

  // The outbox: one row per message (kind 'message', written in the send's transaction) or per task (kind 'task');
  // a worker expands it into per-device sends. Never per recipient, so a group send costs one row.
  await db.schema
    .createTable('push_outbox')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint')
    .addColumn('task_id', 'bigint', (c) => c.references('push_tasks.id').onDelete('cascade'))
    // What the worker needs beyond the ids (e.g. the devices still to send to after a partial failure).
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Not before: retries back off; scheduled tasks wait for their show time.
    .addColumn('due_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('push_outbox_due').on('push_outbox').column('due_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('push_outbox').execute()
  await db.schema.dropTable('push_task_counts').execute()
  await db.schema.dropTable('push_tasks').execute()
  await db.schema.dropTable('push_credentials').execute()
}
