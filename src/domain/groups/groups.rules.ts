// The permission rules of semantics §5 as small functions every group use case calls inside its transaction.
import { DomainError } from '../errors.ts'
import { pageOf } from '../paging.ts'
import type { Actor } from '../actor.ts'
import type { Db } from '../../platform/db.ts'
import { blockedAmong, findGroup, findMember, joinedGroupCounts } from './groups.repository.ts'
import type { Group, GroupRole, Member, Page } from './groups.types.ts'

/** Live groups one user may own (code 20008). */
export const MAX_GROUPS_CREATED_PER_USER = 1000
/** Live groups one user may be a member of (code 20009). */
export const MAX_GROUPS_JOINED_PER_USER = 5000

/** Applications and invitations wait this long for a decision. */
export const PENDING_TTL_MS = 7 * 24 * 3600 * 1000

const RANK: Record<GroupRole, number> = { owner: 3, admin: 2, member: 1 }

/** Who acts in one group: the user (null for the app admin token without user_id) and the role they act with. */
export interface Acting {
  userId: number | null
  /** null: not a member. */
  role: GroupRole | null
  member: Member | null
}

/** The group, refusing unknown ones and — unless `dismissedToo` — dismissed ones (20001). */
export async function liveGroup(db: Db, appId: string, groupId: number, options: { lock?: boolean; dismissedToo?: boolean } = {}): Promise<Group> {
  const group = await findGroup(db, appId, groupId, options.lock)
  if (!group) throw new DomainError('GROUP_NOT_FOUND', `group ${groupId} does not exist`)
  if (group.status === 1 && !options.dismissedToo) throw new DomainError('GROUP_NOT_FOUND', `group ${groupId} has been dismissed`)
  return group
}

/**
 * The actor's standing in the group. The app admin token acts as an admin of the group named by its
 * `group_id` header, or of any group of its app when it names none; with `user_id` it is that user,
 * raised to admin in the group its `group_id` header names.
 */
export async function actingIn(db: Db, actor: Actor, group: Group): Promise<Acting> {
  const adminOfThis = actor.isAdmin && (actor.asGroupAdmin === null || actor.asGroupAdmin === group.id)
  if (actor.isAdmin && actor.asGroupAdmin !== null && actor.asGroupAdmin !== group.id) {
    throw new DomainError('NO_PERMISSION', `the group_id header names group ${actor.asGroupAdmin}, not group ${group.id}`)
  }
  if (actor.userId === null) return { userId: null, role: 'admin', member: null }
  const member = (await findMember(db, group.id, actor.userId)) ?? null
  let role = member?.role ?? null
  if (adminOfThis && actor.asGroupAdmin !== null && (role === null || RANK[role] < RANK.admin)) role = 'admin'
  return { userId: actor.userId, role, member }
}

/** Opens the group for a use case: the group (locked when it changes membership) and who acts in it. */
export async function openGroup(db: Db, actor: Actor, groupId: number, options: { lock?: boolean; dismissedToo?: boolean } = {}) {
  const group = await liveGroup(db, actor.appId, groupId, options)
  return { group, acting: await actingIn(db, actor, group) }
}

export function requireMember(acting: Acting, group: Group): void {
  if (acting.role === null) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${group.id}`)
}

export function requireAdmin(acting: Acting, group: Group): void {
  requireMember(acting, group)
  if (RANK[acting.role!] < RANK.admin) throw new DomainError('NEED_ADMIN', `only the owner and admins of group ${group.id} may do this`)
}

export function requireOwner(acting: Acting, group: Group): void {
  requireMember(acting, group)
  if (acting.role !== 'owner') throw new DomainError('NEED_OWNER', `only the owner of group ${group.id} may do this`)
}

/** The user acted as, for operations that are about oneself (leave, apply, one's own settings). */
export function self(actor: Actor): number {
  if (actor.userId === null) throw new DomainError('BAD_PARAMETER', 'with an admin token, name the user to act as in the user_id header')
  return actor.userId
}

/**
 * Why the actor may not kick, ban or block a member of `targetRole`, or null when it may: nobody
 * touches the owner, admins do not touch admins; `protectAdmins` (legacy deleteUser) spares admins from everyone.
 */
export function cannotManage(acting: Acting, targetRole: GroupRole, protectAdmins = false): string | null {
  if (targetRole === 'owner') return 'the owner cannot be removed, banned or blocked'
  if (targetRole === 'admin' && (protectAdmins || acting.role !== 'owner')) return 'only the owner may remove, ban or block an admin'
  return null
}

export function rankOf(role: GroupRole): number {
  return RANK[role]
}

export async function refuseBlocked(db: Db, group: Group, userId: number): Promise<void> {
  if ((await blockedAmong(db, group.id, [userId])).size > 0) {
    throw new DomainError('IN_GROUP_BLACKLIST', `user ${userId} is in the blacklist of group ${group.id}`)
  }
}

/** Refuses a user who is already in as many groups as one may join. */
export async function refuseTooManyJoined(db: Db, userId: number): Promise<void> {
  if (((await joinedGroupCounts(db, [userId])).get(userId) ?? 0) >= MAX_GROUPS_JOINED_PER_USER) {
    throw new DomainError('QUOTA_GROUPS_JOINED', `user ${userId} is already in ${MAX_GROUPS_JOINED_PER_USER} groups`)
  }
}

export function refuseFull(group: Group, adding: number): void {
  if (group.memberCount + adding > group.capacity) {
    throw new DomainError('QUOTA_GROUP_MEMBERS', `group ${group.id} holds at most ${group.capacity} members`)
  }
}

/** A page of a groups list: a keyset page and the list's total. */
export function toPage<T>(rows: T[], limit: number, total: number, keyOf: (item: T) => number): Page<T> {
  return { ...pageOf(rows, limit, keyOf), total }
}
