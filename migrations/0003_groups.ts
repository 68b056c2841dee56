// Groups: the one group model of every surface, its members, applications, invitations, blocklist, announcements and shared files.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // An absolute URL given by a REST client, or a path of our file store (facade cover upload).
    .addColumn('avatar', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`type in (0, 1, 2)`),
    )
    .addColumn('status', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`status in (0, 1)`),
    )
    .addColumn('member_invite', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('member_modify', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('apply_approval', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`apply_approval in (0, 1, 2)`),
    )
    .addColumn('read_ack', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('history_visible', 'boolean', (c) => c.notNull().defaultTo(false))
    // Epoch seconds; -1 forever; 0 or past = not banned (semantics §3).
    .addColumn('ban_expire_time', 'bigint', (c) => c.notNull().defaultTo(0))
    // A JSON string kept as sent.
    .addColumn('ext', 'text', (c) => c.notNull().defaultTo(''))
    // The legacy project fields (semantics §6): first-class, also settable through ext keys projectName / groupType.
    .addColumn('project_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('group_type', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`group_type in (1, 2)`),
    )
    // The facade's face-to-face code ('' = none).
    .addColumn('code', 'text', (c) => c.notNull().defaultTo(''))
    // Kept by the same transactions that add and remove members, so counts and totals cost nothing.
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('groups_app_type').on('groups').columns(['app_id', 'type', 'status']).execute()
  await db.schema.createIndex('groups_owner').on('groups').column('owner_id').execute()

  await db.schema
    .createTable('group_members')
    // The member_list order and keyset cursor: later joins get larger ids.
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .defaultTo('member')
        .check(sql`role in ('owner', 'admin', 'member')`),
    )
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('msg_mute_mode', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`msg_mute_mode in (0, 1, 2)`),
    )
    .addColumn('msg_push_mode', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`msg_push_mode between 0 and 4`),
    )
    // Epoch seconds; -1 forever; 0 or past = not banned.
    .addColumn('ban_expire', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('group_members_group_user', ['group_id', 'user_id'])
    .execute()
  // member_list pages by (group_id, id): an index range scan, the same cost at any depth.
  await db.schema.createIndex('group_members_group_id').on('group_members').columns(['group_id', 'id']).execute()
  await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute()

  await db.schema
    .createTable('group_applications')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('applicant_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    // 0 pending, 1 accepted, 2 declined.
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('group_applications_group_applicant', ['group_id', 'applicant_id'])
    .execute()

  await db.schema
    .createTable('group_invitations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('inviter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('invitee_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    // 0 pending, 1 accepted, 2 declined.
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('group_invitations_group_invitee', ['group_id', 'invitee_id'])
    .execute()
  await db.schema.createIndex('group_invitations_invitee').on('group_invitations').columns(['invitee_id', 'id']).execute()

  await db.schema
    .createTable('group_blocks')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_blocks_pk', ['group_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('group_announcements')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    // null when the app admin token wrote it.
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('group_announcements_group').on('group_announcements').columns(['group_id', 'id']).execute()

  await db.schema
    .createTable('group_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('uploader_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('type', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('group_files_group').on('group_files').columns(['group_id', 'id']).execute()

  // The key that signs group QR codes, one per app, shared by every process through the database.
  await db.schema
    .createTable('group_qr_keys')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'group_qr_keys',
    'group_files',
    'group_announcements',
    'group_blocks',
    'group_invitations',
    'group_applications',
    'group_members',
    'groups',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
