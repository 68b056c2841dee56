// xsync (issue 15): transaction ids widened to bigint and scoped per device (a MaxIM client_mid is epoch ms, unique per
// device only), and the per-device cursor of each conversation (what an xsync device has been sent).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // scope 0: the sender as a whole (REST, legacy, facade, as before); otherwise the devices.id the key belongs to.
  await db.schema
    .alterTable('message_transactions')
    .addColumn('scope', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`alter table message_transactions alter column transaction_id type bigint`.execute(db)
  await sql`alter table message_transactions drop constraint message_transactions_pk`.execute(db)
  await db.schema
    .alterTable('message_transactions')
    .addPrimaryKeyConstraint('message_transactions_pk', ['app_id', 'sender_id', 'scope', 'transaction_id'])
    .execute()

  // The seq up to which one device has been sent a conversation's messages (protocol.md §7a, mapping.md §3).
  await db.schema
    .createTable('xsync_cursors')
    .addColumn('device_id', 'integer', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('synced_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('xsync_cursors_pk', ['device_id', 'conversation_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('xsync_cursors').execute()
  await sql`delete from message_transactions where scope <> 0 or transaction_id > 2147483647 or transaction_id < -2147483648`.execute(db)
  await sql`alter table message_transactions drop constraint message_transactions_pk`.execute(db)
  await db.schema.alterTable('message_transactions').dropColumn('scope').execute()
  await sql`alter table message_transactions alter column transaction_id type integer`.execute(db)
  await db.schema.alterTable('message_transactions').addPrimaryKeyConstraint('message_transactions_pk', ['app_id', 'sender_id', 'transaction_id']).execute()
}
