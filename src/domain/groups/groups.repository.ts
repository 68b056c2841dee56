// Queries on groups, their members and blocklists; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { GroupMemberRow, GroupRole, GroupRow, GroupsTable } from '../../platform/tables.ts'
import type { Updateable } from 'kysely'
import { toUser } from '../accounts/accounts.types.ts'
import type { Blocked, Group, Member, MemberWithUser } from './groups.types.ts'

/** Members per group (code 20010 beyond it); also the `capacity` the REST info shows. */
export const GROUP_CAPACITY = 10_000

export function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    appId: row.app_id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    avatar: row.avatar,
    type: row.type,
    status: row.status,
    memberInvite: row.member_invite,
    memberModify: row.member_modify,
    applyApproval: row.apply_approval,
    readAck: row.read_ack,
    historyVisible: row.history_visible,
    hideMemberInfo: row.hide_member_info,
    banExpireTime: Number(row.ban_expire_time),
    ext: row.ext,
    projectName: row.project_name,
    groupType: row.group_type,
    code: row.code,
    memberCount: row.member_count,
    capacity: GROUP_CAPACITY,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  }
}

export function toMember(row: GroupMemberRow): Member {
  return {
    userId: row.user_id,
    role: row.role,
    displayName: row.display_name,
    msgMuteMode: row.msg_mute_mode,
    msgPushMode: row.msg_push_mode,
    banExpire: Number(row.ban_expire),
    joinedAt: row.joined_at.getTime(),
  }
}

// ---- groups

/** `lock` takes the row lock that serialises membership changes of one group. */
export async function findGroup(db: Db, appId: string, groupId: number, lock = false): Promise<Group | undefined> {
  let query = db.selectFrom('groups').selectAll().where('id', '=', groupId).where('app_id', '=', appId)
  if (lock) query = query.forUpdate()
  const row = await query.executeTakeFirst()
  return row && toGroup(row)
}

export async function findGroups(db: Db, appId: string, groupIds: number[]): Promise<Group[]> {
  if (groupIds.length === 0) return []
  const rows = await db.selectFrom('groups').selectAll().where('app_id', '=', appId).where('id', 'in', groupIds).orderBy('id').execute()
  return rows.map(toGroup)
}

export async function insertGroup(
  db: Db,
  values: {
    appId: string
    ownerId: number
    name: string
    description: string
    avatar: string
    type: number
    ext: string
    projectName: string
    groupType: number
    code: string
    applyApproval: number
  },
): Promise<Group> {
  const row = await db
    .insertInto('groups')
    .values({
      app_id: values.appId,
      owner_id: values.ownerId,
      name: values.name,
      description: values.description,
      avatar: values.avatar,
      type: values.type,
      ext: values.ext,
      project_name: values.projectName,
      group_type: values.groupType,
      code: values.code,
      apply_approval: values.applyApproval,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toGroup(row)
}

/** A patch without its undefined fields: undefined means "leave as it is". */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>
}

/** Sets the defined fields of the patch (undefined ones stay as they are) and updated_at. */
export async function updateGroupRow(db: Db, groupId: number, patch: Updateable<GroupsTable>): Promise<void> {
  await db
    .updateTable('groups')
    .set({ ...defined(patch), updated_at: sql`now()` })
    .where('id', '=', groupId)
    .execute()
}

/** A member's columns beside a group's (both have id, group_id…): prefixed m_. */
const MEMBER_COLUMNS = [
  'm.id as m_id',
  'm.user_id as m_user_id',
  'm.role as m_role',
  'm.display_name as m_display_name',
  'm.msg_mute_mode as m_msg_mute_mode',
  'm.msg_push_mode as m_msg_push_mode',
  'm.ban_expire as m_ban_expire',
  'm.joined_at as m_joined_at',
] as const

type PrefixedMember = { [K in keyof GroupMemberRow as K extends 'group_id' ? never : `m_${K}`]: GroupMemberRow[K] }

function prefixedMember(groupId: number, r: PrefixedMember): Member {
  return toMember({
    id: r.m_id,
    group_id: groupId,
    user_id: r.m_user_id,
    role: r.m_role,
    display_name: r.m_display_name,
    msg_mute_mode: r.m_msg_mute_mode,
    msg_push_mode: r.m_msg_push_mode,
    ban_expire: r.m_ban_expire,
    joined_at: r.m_joined_at,
  })
}

/** Live groups the user is a member of, oldest membership first. */
export async function groupsOfUser(db: Db, appId: string, userId: number): Promise<Array<{ group: Group; member: Member }>> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .selectAll('g')
    .select(MEMBER_COLUMNS)
    .where('m.user_id', '=', userId)
    .where('g.app_id', '=', appId)
    .where('g.status', '=', 0)
    .orderBy('m.id')
    .execute()
  return rows.map((r) => ({ group: toGroup(r), member: prefixedMember(r.id, r) }))
}

/** What a reader of a group's messages needs of the group and of the user's membership (see findGroupGate). */
export interface GroupGate {
  status: number
  /** Epoch seconds; -1 forever; 0 or past = no ban_all. */
  banExpireTime: number
  historyVisible: boolean
  readAck: boolean
  /** Undefined when the user is not a member. */
  member: Pick<Member, 'role' | 'msgMuteMode' | 'banExpire' | 'joinedAt'> | undefined
}

/**
 * The group of the app, dismissed or not, and the user's membership of it, in one query of only the columns a
 * reader or sender needs: every group send, history page and sync asks it, and the whole group and member rows (timestamps
 * parsed, 30 columns through the builder) cost that page about half a millisecond of CPU more on PGlite.
 */
export async function findGroupGate(db: Db, appId: string, groupId: number, userId: number): Promise<GroupGate | undefined> {
  const result = await sql<{
    status: number
    ban_expire_time: string | number
    history_visible: boolean
    read_ack: boolean
    role: GroupRole | null
    msg_mute_mode: number | null
    ban_expire: string | number | null
    joined_at: Date | null
  }>`
    select g.status, g.ban_expire_time, g.history_visible, g.read_ack, m.role, m.msg_mute_mode, m.ban_expire, m.joined_at
    from groups g left join group_members m on m.group_id = g.id and m.user_id = ${userId}
    where g.id = ${groupId} and g.app_id = ${appId}`.execute(db)
  const row = result.rows[0]
  if (!row) return undefined
  return {
    status: row.status,
    banExpireTime: Number(row.ban_expire_time),
    historyVisible: row.history_visible,
    readAck: row.read_ack,
    // role is NOT NULL in group_members: null only when the left join found no membership.
    member:
      row.role === null
        ? undefined
        : { role: row.role, msgMuteMode: row.msg_mute_mode!, banExpire: Number(row.ban_expire), joinedAt: row.joined_at!.getTime() },
  }
}

/** Live groups the user owns (the groups-created quota). */
export async function ownedGroupCount(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('groups')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('owner_id', '=', userId)
    .where('status', '=', 0)
    .executeTakeFirstOrThrow()
  return row.n
}

/** How many live groups each of the users is a member of (the groups-joined quota); users in none are left out. */
export async function joinedGroupCounts(db: Db, userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', sql<number>`count(*)::int`.as('n')])
    .where('m.user_id', 'in', userIds)
    .where('g.status', '=', 0)
    .groupBy('m.user_id')
    .execute()
  return new Map(rows.map((r) => [r.user_id, r.n]))
}

export async function publicGroupIds(db: Db, appId: string): Promise<number[]> {
  const rows = await db.selectFrom('groups').select('id').where('app_id', '=', appId).where('type', '=', 1).where('status', '=', 0).orderBy('id').execute()
  return rows.map((r) => r.id)
}

// ---- members

export async function findMember(db: Db, groupId: number, userId: number): Promise<Member | undefined> {
  const row = await db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst()
  return row && toMember(row)
}

export async function findMembers(db: Db, groupId: number, userIds: number[]): Promise<Map<number, Member>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('user_id', 'in', userIds).execute()
  return new Map(rows.map((r) => [r.user_id, toMember(r)]))
}

/** The user's memberships among the groups, by group id. */
export async function membershipsOf(db: Db, userId: number, groupIds: number[]): Promise<Map<number, Member>> {
  if (groupIds.length === 0) return new Map()
  const rows = await db.selectFrom('group_members').selectAll().where('user_id', '=', userId).where('group_id', 'in', groupIds).execute()
  return new Map(rows.map((r) => [r.group_id, toMember(r)]))
}

/** Members who receive the group's messages: everyone but those whose msg_mute_mode is 2 (do not receive). */
export async function receivingMemberIds(db: Db, groupId: number): Promise<number[]> {
  // One JSON value, not a row per member: every group send asks this, and on PGlite decoding 1,000 rows in
  // JavaScript cost more than the lookup (as for the conversation list, listConversations).
  const result = await sql<{ ids: string }>`
    select coalesce(json_agg(user_id order by id), '[]')::text as ids
    from group_members where group_id = ${groupId} and msg_mute_mode <> 2`.execute(db)
  return JSON.parse(result.rows[0]!.ids) as number[]
}

/**
 * Not run here: a subquery another module's one-statement read embeds (history status in a group), so
 * the member list never leaves the database. Rows: user_id of each member who receives the group's messages.
 */
export function receivingMembersSubquery(db: Db, groupId: number) {
  return db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).where('msg_mute_mode', '!=', 2)
}

/** Not run here: the group's members (or those of `roles`) as a subquery, for the notice log's one-statement insert. */
export function memberIdsSubquery(db: Db, groupId: number, roles?: GroupRole[]) {
  let query = db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId)
  if (roles) query = query.where('role', 'in', roles)
  return query
}

/**
 * Not run here: a subquery for another module's one-statement read (the recent-conversations list). Rows: the
 * user's live groups of the app, each with visible_from, the epoch ms from which its history shows to the user
 * (0 with history_visible, else the join, truncated to the ms as a Date of it would be).
 */
export function visibleGroupsSubquery(db: Db, appId: string, userId: number) {
  return db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.group_id', sql<number>`case when g.history_visible then 0 else floor(extract(epoch from m.joined_at) * 1000)::bigint end`.as('visible_from')])
    .where('m.user_id', '=', userId)
    .where('g.app_id', '=', appId)
    .where('g.status', '=', 0)
}

/** Adds members (existing ones are left alone) and keeps member_count; returns the user ids added. */
export async function insertMembers(db: Db, groupId: number, members: Array<{ userId: number; role?: GroupRole }>): Promise<number[]> {
  if (members.length === 0) return []
  const rows = await db
    .insertInto('group_members')
    .values(members.map((m) => ({ group_id: groupId, user_id: m.userId, role: m.role ?? 'member' })))
    .onConflict((c) => c.columns(['group_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute()
  if (rows.length > 0) {
    await db
      .updateTable('groups')
      .set({ member_count: sql`member_count + ${rows.length}` })
      .where('id', '=', groupId)
      .execute()
  }
  return rows.map((r) => r.user_id)
}

/** Removes members and keeps member_count; returns the user ids removed. */
export async function deleteMembers(db: Db, groupId: number, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return []
  const rows = await db.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', 'in', userIds).returning('user_id').execute()
  if (rows.length > 0) {
    await db
      .updateTable('groups')
      .set({ member_count: sql`member_count - ${rows.length}` })
      .where('id', '=', groupId)
      .execute()
  }
  return rows.map((r) => r.user_id)
}

export async function updateMembers(
  db: Db,
  groupId: number,
  userIds: number[],
  patch: Partial<{ role: GroupRole; display_name: string; msg_mute_mode: number; msg_push_mode: number; ban_expire: number }>,
): Promise<void> {
  const set = defined(patch)
  if (userIds.length === 0 || Object.keys(set).length === 0) return
  await db.updateTable('group_members').set(set).where('group_id', '=', groupId).where('user_id', 'in', userIds).execute()
}

/**
 * Inside a transaction, makes the planner read pages in index order rather than collect and sort: with
 * stale statistics (PGlite has no autovacuum) it otherwise takes a big group for five rows and sorts all of
 * them for the first page. Only the transaction it runs in is affected.
 */
export async function preferIndexOrder(trx: Db): Promise<void> {
  await sql`set local enable_sort = off`.execute(trx)
}

/** One keyset page in join order: rows after the member row `afterId`, `limit` + 1 to know whether more remain. */
export async function memberPage(db: Db, groupId: number, afterId: number, limit: number): Promise<Array<Member & { seq: number }>> {
  const rows = await db
    .selectFrom('group_members')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  return rows.map((r) => ({ ...toMember(r), seq: r.id }))
}

export async function membersByRole(db: Db, groupId: number, roles: GroupRole[]): Promise<Member[]> {
  const rows = await db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('role', 'in', roles).orderBy('id').execute()
  return rows.map(toMember)
}

/** Members banned at `nowSeconds` (forever, or until later), after the member row `afterId`. */
export async function bannedPage(db: Db, groupId: number, nowSeconds: number, afterId: number, limit: number) {
  const banned = (q: ReturnType<typeof base>) => q.where((eb) => eb.or([eb('ban_expire', '=', -1), eb('ban_expire', '>', nowSeconds)]))
  const base = () => db.selectFrom('group_members').where('group_id', '=', groupId)
  const rows = await banned(base())
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  const { total } = await banned(base())
    .select(sql<number>`count(*)::int`.as('total'))
    .executeTakeFirstOrThrow()
  return { rows: rows.map((r) => ({ ...toMember(r), seq: r.id })), total }
}

/** Members with their accounts, in join order; `offset`/`limit` for page-numbered lists (the facade). */
export async function membersWithUsers(db: Db, groupId: number, page?: { offset: number; limit: number }): Promise<MemberWithUser[]> {
  let query = db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('u')
    .select(['m.id as m_id', 'm.group_id as m_group_id', 'm.role', 'm.display_name', 'm.msg_mute_mode', 'm.msg_push_mode', 'm.ban_expire', 'm.joined_at'])
    .where('m.group_id', '=', groupId)
    .orderBy('m.id')
  if (page) query = query.offset(page.offset).limit(page.limit)
  const rows = await query.execute()
  return rows.map((r) => ({
    ...toMember({
      id: r.m_id,
      group_id: r.m_group_id,
      user_id: r.id,
      role: r.role,
      display_name: r.display_name,
      msg_mute_mode: r.msg_mute_mode,
      msg_push_mode: r.msg_push_mode,
      ban_expire: r.ban_expire,
      joined_at: r.joined_at,
    }),
    user: toUser(r),
  }))
}

/** Whether the two users are both members of a live group other than `exceptGroupId` (the facade's address book). */
export async function shareAnotherGroup(db: Db, userId: number, otherId: number, exceptGroupId: number): Promise<boolean> {
  const row = await db
    .selectFrom('group_members as a')
    .innerJoin('group_members as b', 'b.group_id', 'a.group_id')
    .innerJoin('groups as g', 'g.id', 'a.group_id')
    .select('a.group_id')
    .where('a.user_id', '=', userId)
    .where('b.user_id', '=', otherId)
    .where('g.status', '=', 0)
    .where('g.id', '!=', exceptGroupId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

// ---- blocklist

export async function blockedAmong(db: Db, groupId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set()
  const rows = await db.selectFrom('group_blocks').select('user_id').where('group_id', '=', groupId).where('user_id', 'in', userIds).execute()
  return new Set(rows.map((r) => r.user_id))
}

export async function insertBlocks(db: Db, groupId: number, userIds: number[]): Promise<void> {
  if (userIds.length === 0) return
  await db
    .insertInto('group_blocks')
    .values(userIds.map((userId) => ({ group_id: groupId, user_id: userId })))
    .onConflict((c) => c.columns(['group_id', 'user_id']).doNothing())
    .execute()
}

export async function deleteBlocks(db: Db, groupId: number, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return []
  const rows = await db.deleteFrom('group_blocks').where('group_id', '=', groupId).where('user_id', 'in', userIds).returning('user_id').execute()
  return rows.map((r) => r.user_id)
}

/** Blocked users by user id; the cursor is the last user id. */
export async function blockedPage(db: Db, groupId: number, afterUserId: number, limit: number): Promise<{ rows: Blocked[]; total: number }> {
  const rows = await db
    .selectFrom('group_blocks')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('user_id', '>', afterUserId)
    .orderBy('user_id')
    .limit(limit + 1)
    .execute()
  const { total } = await db
    .selectFrom('group_blocks')
    .select(sql<number>`count(*)::int`.as('total'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow()
  return { rows: rows.map((r) => ({ groupId: r.group_id, userId: r.user_id, createdAt: r.created_at.getTime() })), total }
}
