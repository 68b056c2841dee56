// Upload tickets of /file/upload/*: who may upload what, where it will be stored, and what was stored.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('uploads')
    // 128 random bits: the ticket in the upload URL and, for chat files, the file_sign.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('avatar_user', 'avatar_group', 'chat')`))
    .addColumn('file_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('to_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('to_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stored_path', 'text')
    .addColumn('size', 'integer')
    .addColumn('mime', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('uploaded_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('uploads').execute()
}
