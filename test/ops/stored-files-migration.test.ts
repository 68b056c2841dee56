// Migration 0008 records who owns the files stored before it: ticket uploads by their uploader, others by the one who shows them.
import t from 'tap'
import { databaseBefore } from '../helpers/database.ts'
import * as migration from '../../migrations/0008_stored_files.ts'

const path = (n: number, folder = 'avatars') => `${folder}/${String(n).padStart(32, '0')}.png`

t.test('existing stored files get their owners; a picture shown by several gets none', async (t) => {
  // The data as it was before the migration, then forward again.
  const db = await databaseBefore(t, migration)
  await db
    .insertInto('apps')
    .values({ id: 'default' })
    .onConflict((c) => c.doNothing())
    .execute()
  const user = async (username: string, avatar = '') =>
    (
      await db
        .insertInto('users')
        .values({ app_id: 'default', username, mobile: null, email: null, password_hash: null, avatar })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const alice = await user('alice', `files/${path(1)}`)
  const bob = await user('bob', `files/${path(2)}`)
  const mallory = await user('mallory', `files/${path(2)}`) // claimed bob's picture before the fix
  const group = (
    await db
      .insertInto('groups')
      .values({ app_id: 'default', owner_id: alice, name: 'g', avatar: `files/${path(3, 'covers')}` })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const ticket = (id: string, purpose: 'avatar_user' | 'avatar_group' | 'chat', stored: string, to_id = 0) =>
    db
      .insertInto('uploads')
      .values({
        id,
        app_id: 'default',
        user_id: bob,
        purpose,
        to_id,
        expires_at: new Date(),
        stored_path: stored,
        size: 1,
        mime: 'image/png',
        uploaded_at: new Date(),
      })
      .execute()
  await ticket('a'.repeat(32), 'avatar_group', path(4), group)
  await ticket('b'.repeat(32), 'chat', path(5, 'chat'))
  await ticket('c'.repeat(32), 'chat', path(5, 'chat')) // a forward: same file

  await migration.up(db)

  const rows = await db.selectFrom('stored_files').select(['path', 'owner_user_id', 'owner_group_id', 'kind']).orderBy('path').execute()
  t.same(
    rows,
    [
      { path: path(1), owner_user_id: alice, owner_group_id: null, kind: 'picture' },
      { path: path(2), owner_user_id: null, owner_group_id: null, kind: 'picture' },
      { path: path(4), owner_user_id: bob, owner_group_id: group, kind: 'picture' },
      { path: path(5, 'chat'), owner_user_id: bob, owner_group_id: null, kind: 'chat' },
      { path: path(3, 'covers'), owner_user_id: null, owner_group_id: group, kind: 'picture' },
    ].sort((a, b) => (a.path < b.path ? -1 : 1)),
  )
  t.notOk(
    rows.some((row) => row.owner_user_id === mallory),
    "mallory, who showed bob's picture as an avatar, owns no file",
  )
})
