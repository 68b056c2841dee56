// Messages: conversations with a gap-free sequence, messages stored once, per-user read state, send dedup, live presence.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One row per conversation: a pair of users (kind 1: peer_a < peer_b, 0 = the system) or a group (kind 2: peer_a = group id, peer_b = 0).
  // last_seq is bumped by the send that appends, under the row lock: the sequence has no gaps and a failed send uses no number.
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('kind', 'smallint', (c) => c.notNull().check(sql`kind in (1, 2)`))
    .addColumn('peer_a', 'integer', (c) => c.notNull())
    .addColumn('peer_b', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    // Epoch ms of the newest message: the order of the recent-conversations list.
    .addColumn('last_msg_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('conversations_key', ['app_id', 'kind', 'peer_a', 'peer_b'])
    .execute()
  await db.schema.createIndex('conversations_peer_b').on('conversations').columns(['app_id', 'kind', 'peer_b']).execute()

  // A group message is one row, whoever reads it (read diffusion).
  await db.schema
    .createTable('messages')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    // 0 = a system notification without a sender.
    .addColumn('sender_id', 'integer', (c) => c.notNull())
    .addColumn('sender_device_sn', 'integer', (c) => c.notNull().defaultTo(0))
    // to_xid.uid: the user or the group the message was sent to.
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'smallint', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('attachment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('config', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ext', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('related_mid', 'bigint')
    .addColumn('recalled', 'boolean', (c) => c.notNull().defaultTo(false))
    // Epoch ms.
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
    .execute()

  // What one user has done with one conversation: read up to, delivered up to, deleted (hidden) up to.
  await db.schema
    .createTable('conversation_states')
    .addColumn('conversation_id', 'bigint', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('conversation_states_pk', ['conversation_id', 'user_id'])
    .execute()

  // transaction_id deduplication: one row per (app, sender, transaction_id) holding the first send's messages.
  await db.schema
    .createTable('message_transactions')
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('sender_id', 'integer', (c) => c.notNull())
    .addColumn('transaction_id', 'integer', (c) => c.notNull())
    .addColumn('msg_ids', sql`bigint[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // Epoch ms; a row older than the dedup window is reused by a new send.
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_transactions_pk', ['app_id', 'sender_id', 'transaction_id'])
    .execute()

  // Live WebSocket connections per process; a process whose heartbeat stops is not believed.
  await db.schema
    .createTable('presence_processes')
    .addColumn('process_id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable('presence_connections')
    .addColumn('process_id', 'text', (c) => c.notNull().references('presence_processes.process_id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('connections', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('presence_connections_pk', ['process_id', 'user_id'])
    .execute()
  await db.schema.createIndex('presence_connections_user').on('presence_connections').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['presence_connections', 'presence_processes', 'message_transactions', 'conversation_states', 'messages', 'conversations']) {
    await db.schema.dropTable(table).execute()
  }
}
