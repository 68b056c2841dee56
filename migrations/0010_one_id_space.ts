// Users and groups share one id space: one sequence numbers both, and every group whose id a user also has is renumbered.
import { sql, type Kysely } from 'kysely'

/** The one sequence behind users.id and groups.id. */
const SEQUENCE = 'user_group_ids'

/**
 * Columns that hold a group id without a foreign key, each with the condition under which its value is a group id.
 * Foreign keys to groups(id) are found in the catalogue instead, so a table that gained one is never missed.
 */
const GROUP_ID_COLUMNS = [
  // A group conversation is (kind 2, peer_a = the group, peer_b = 0); pairs name users.
  { table: 'conversations', column: 'peer_a', when: sql`conversations.kind = 2` },
  // to_xid.uid of a message sent to a group: only the moved groups' conversations are read (after the line above moved them).
  {
    table: 'messages',
    column: 'target_id',
    when: sql`messages.conversation_id in (select c.id from conversations c join groups_renumbered r on c.kind = 2 and c.peer_a = r.new_id)`,
  },
  // Upload tickets for a group's avatar, and chat files sent to a group (to_type 2).
  { table: 'uploads', column: 'to_id', when: sql`(uploads.purpose = 'avatar_group' or (uploads.purpose = 'chat' and uploads.to_type = 2))` },
] as const

export async function up(db: Kysely<any>): Promise<void> {
  // No user or group is created while the ids are being settled (a process of the previous release may still run).
  await sql`lock table users, groups in exclusive mode`.execute(db)

  // The shared sequence continues above every id either table has handed out, rows or not.
  const { last } = (
    await sql<{ last: number }>`
    select greatest(
      coalesce((select max(id) from users), 0),
      coalesce((select max(id) from groups), 0),
      coalesce(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')::regclass), 0),
      coalesce(pg_sequence_last_value(pg_get_serial_sequence('groups', 'id')::regclass), 0)
    )::integer as last`.execute(db)
  ).rows[0]!
  await sql`create sequence ${sql.id(SEQUENCE)} as integer`.execute(db)
  await sql`select setval(${SEQUENCE}, ${Math.max(last, 1)}, ${last > 0})`.execute(db)
  for (const table of ['users', 'groups']) {
    await sql`alter table ${sql.id(table)} alter column id drop identity`.execute(db)
    await sql`alter table ${sql.id(table)} alter column id set default nextval(${sql.lit(SEQUENCE)}::regclass)`.execute(db)
  }

  // Kept for operators (and for anyone holding an old group id): which group got which new id, and when.
  await db.schema
    .createTable('groups_renumbered')
    .addColumn('old_id', 'integer', (c) => c.primaryKey())
    .addColumn('new_id', 'integer', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('renumbered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // Users keep their ids (they log in by them, and sign tokens); a group whose id is also a user's moves.
  await sql`
    insert into groups_renumbered (old_id, new_id, app_id)
    select id, nextval(${SEQUENCE}), app_id
    from (select g.id, g.app_id from groups g where exists (select 1 from users u where u.id = g.id) order by g.id) colliding`.execute(db)

  // The group under its new id, a copy of every column; then everything that names it; then the old row goes.
  const columns = (
    await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = 'groups' and column_name <> 'id'
    order by ordinal_position`.execute(db)
  ).rows.map((r) => sql.id(r.name))
  await sql`
    insert into groups (id, ${sql.join(columns)})
    select m.new_id, ${sql.join(columns.map((c) => sql`g.${c}`))}
    from groups g join groups_renumbered m on m.old_id = g.id`.execute(db)

  const foreignKeys = (
    await sql<{ table: string; column: string; width: number }>`
    select c.conrelid::regclass::text as table, a.attname as column, array_length(c.conkey, 1) as width
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid = 'groups'::regclass
    order by 1, 2`.execute(db)
  ).rows
  for (const fk of foreignKeys) {
    if (fk.width !== 1) throw new Error(`0010_one_id_space cannot renumber the composite reference ${fk.table}.${fk.column} to groups`)
    await sql`
      update ${sql.table(fk.table)} set ${sql.id(fk.column)} = m.new_id
      from groups_renumbered m where ${sql.table(fk.table)}.${sql.id(fk.column)} = m.old_id`.execute(db)
  }
  for (const { table, column, when } of GROUP_ID_COLUMNS) {
    await sql`
      update ${sql.table(table)} set ${sql.id(column)} = m.new_id
      from groups_renumbered m where ${sql.table(table)}.${sql.id(column)} = m.old_id and ${when}`.execute(db)
  }
  await sql`delete from groups where id in (select old_id from groups_renumbered)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // Each table gets its own counter again, above its highest id; renumbered groups keep their new ids.
  for (const table of ['users', 'groups']) {
    await sql`alter table ${sql.id(table)} alter column id drop default`.execute(db)
    await sql`alter table ${sql.id(table)} alter column id add generated by default as identity`.execute(db)
    await sql`
      select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1), (select count(*) > 0 from ${sql.table(table)}))`.execute(
      db,
    )
  }
  await sql`drop sequence ${sql.id(SEQUENCE)}`.execute(db)
  await db.schema.dropTable('groups_renumbered').execute()
}
