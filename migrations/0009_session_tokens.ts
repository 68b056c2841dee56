// Tokens bound to a session: the facade's /api/im/token/ key belongs to the token it was asked with and goes with it.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tokens')
    // The session token this one was derived from; null for a session's own token.
    .addColumn('parent_id', 'bigint', (c) => c.references('tokens.id').onDelete('cascade'))
    .execute()
  await db.schema.createIndex('tokens_parent').on('tokens').column('parent_id').where('parent_id', 'is not', null).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tokens_parent').execute()
  await db.schema.alterTable('tokens').dropColumn('parent_id').execute()
}
