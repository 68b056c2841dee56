// Who each stored file belongs to: its uploader, or the group it was uploaded for; pictures are removed only by their owner.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stored_files')
    // Path in the file store (`avatars/<32 hex>.png`); pictures are referred to as `files/<path>`.
    .addColumn('path', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    // The uploader; null when nobody can be named (see the backfill below): then nobody may claim or remove it.
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // Set for a picture uploaded for a group (its avatar or cover): then the file is the group's.
    .addColumn('owner_group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    // picture: an avatar or cover, may be shown as one; chat: read by its sign only.
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('picture', 'chat')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // "Does anything still show this picture?" is asked on every replacement: index the stored-file references.
  await sql`create index users_stored_avatar on users (avatar) where avatar like 'files/%'`.execute(db)
  await sql`create index groups_stored_avatar on groups (avatar) where avatar like 'files/%'`.execute(db)

  // Uploads through tickets name their uploader (and group); a forwarded chat file keeps its first uploader.
  await sql`
    insert into stored_files (path, app_id, owner_user_id, owner_group_id, kind, created_at)
    select distinct on (u.stored_path) u.stored_path, u.app_id, u.user_id,
           case when u.purpose = 'avatar_group' then (select g.id from groups g where g.id = u.to_id) end,
           case when u.purpose = 'chat' then 'chat' else 'picture' end, u.created_at
    from uploads u where u.stored_path is not null
    order by u.stored_path, u.created_at`.execute(db)
  // Pictures stored without a ticket (legacy uploadPhoto, facade covers): the one user or group showing it owns it.
  // A path shown by several (someone claimed another's picture) has no owner we can trust: it is kept, owned by nobody.
  await sql`
    insert into stored_files (path, app_id, owner_user_id, owner_group_id, kind)
    select substr(r.avatar, 7), min(r.app_id),
           case when count(*) = 1 then min(r.user_id) end,
           case when count(*) = 1 then min(r.group_id) end,
           'picture'
    from (select avatar, app_id, id as user_id, null::integer as group_id from users where avatar like 'files/%'
          union all
          select avatar, app_id, null::integer, id from groups where avatar like 'files/%') r
    where not exists (select 1 from stored_files s where s.path = substr(r.avatar, 7))
    group by r.avatar`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists groups_stored_avatar`.execute(db)
  await sql`drop index if exists users_stored_avatar`.execute(db)
  await db.schema.dropTable('stored_files').execute()
}
