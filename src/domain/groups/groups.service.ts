// Group use cases of every surface: create, read, settings, roles, members, kick/leave, bans, blocklist, dismiss.
import type { Readable } from 'node:stream'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { Db } from '../../platform/db.ts'
import { findUserById, toUser } from '../accounts/accounts.repository.ts'
import {
  bannedPage, blockedPage, deleteBlocks, deleteMembers, findGroup, findGroups, findMember, findMembers, groupsOfUser, insertBlocks, insertGroup,
  insertAnnouncement, insertMembers, latestAnnouncement, latestAnnouncements, memberPage, membersByRole, membershipsOf, membersWithUsers, ownedGroupCount,
  preferIndexOrder, publicGroupIds, receivingMemberIds,
  updateGroupRow, updateMembers, usersOfApp,
} from './groups.repository.ts'
import {
  actingIn, cannotManage, liveGroup, MAX_GROUPS_CREATED_PER_USER, parseCursor, refuseFull, refuseTooManyJoined, requireAdmin, requireMember,
  requireOwner, self, toPage, type Acting,
} from './groups.rules.ts'
import { inviteInto } from './admission.service.ts'
import type { Blocked, Group, GroupView, ItemResult, Member, MemberWithUser, Page } from './groups.types.ts'
import { fileUrlPath, storedPathOf } from '../../platform/storage.ts'
import type { PicturesService } from '../files/pictures.service.ts'

export interface CreateGroup {
  name: string
  description?: string
  avatar?: string
  type?: number
  userList?: number[]
  /** A JSON string kept as sent; its keys projectName and groupType set the project fields (semantics §6). */
  ext?: string
  /** The facade's face-to-face code. */
  code?: string
  /** 0 admit applicants at once, 1 an admin decides (the default, semantics §5), 2 refuse every application. */
  applyApproval?: number
  /** `avatar` is a path storeCover returned: removed again when the group is not created. */
  uploadedAvatar?: boolean
}

/** Stored files are served at /files/<path>: an avatar of our own store is kept as that server-relative path. */

/** Largest group cover upload. */
const COVER_MAX_BYTES = 5 * 1024 * 1024

export type InfoField = 'name' | 'description' | 'avatar' | 'ext'
export type GroupSettingsPatch = Partial<{ memberInvite: boolean; memberModify: boolean; readAck: boolean; historyVisible: boolean; applyApproval: number }>

/** The project fields an `ext` JSON object names; anything but a JSON object names none. */
export function projectFields(ext: string): { projectName?: string; groupType?: number } {
  let parsed: unknown
  try {
    parsed = JSON.parse(ext)
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const { projectName, groupType } = parsed as Record<string, unknown>
  const fields: { projectName?: string; groupType?: number } = {}
  if (projectName !== undefined) {
    if (typeof projectName !== 'string') throw new DomainError('BAD_PARAMETER', 'ext.projectName must be a string')
    fields.projectName = projectName
  }
  if (groupType !== undefined) {
    const kind = Number(groupType)
    if (kind !== 1 && kind !== 2) throw new DomainError('BAD_PARAMETER', 'ext.groupType must be 1 (project group) or 2 (shareholder group)')
    fields.groupType = kind
  }
  return fields
}

/**
 * The ext with its groupType key set to the project kind, so REST reads in `ext` what the legacy surface set
 * (semantics §6: one fact). A JSON object keeps its other keys and the JSON type its groupType had; an empty ext
 * becomes `{"groupType":n}`; any other ext is not JSON this service may rewrite and stays as it is.
 */
export function extWithGroupType(ext: string, groupType: number): string {
  if (ext.trim() === '') return JSON.stringify({ groupType })
  let parsed: unknown
  try {
    parsed = JSON.parse(ext)
  } catch {
    return ext
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ext
  const previous = (parsed as Record<string, unknown>).groupType
  return JSON.stringify({ ...parsed, groupType: typeof previous === 'string' ? String(groupType) : groupType })
}

export class GroupsService {
  constructor(private readonly ctx: DomainContext, private readonly pictures: PicturesService) {}

  private nowSeconds(): number {
    return Math.floor(this.ctx.now() / 1000)
  }

  private tx<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return inTransaction(this.ctx.db, fn)
  }

  /** Opens the group for a use case: the group (locked when it changes membership) and who acts in it. */
  private async open(trx: Db, actor: Actor, groupId: number, options: { lock?: boolean; dismissedToo?: boolean } = {}) {
    const group = await liveGroup(trx, actor.appId, groupId, options)
    return { group, acting: await actingIn(trx, actor, group) }
  }

  async create(actor: Actor, input: CreateGroup): Promise<GroupView> {
    try {
      return await this.createGroup(actor, input)
    } catch (error) {
      if (input.uploadedAvatar && input.avatar) await this.discardCover(input.avatar)
      throw error
    }
  }

  private async createGroup(actor: Actor, input: CreateGroup): Promise<GroupView> {
    if (input.name.trim() === '' || input.name.length > 200) {
      throw new DomainError('BAD_PARAMETER', 'name is required (at most 200 characters)', { zh: '群名称 name 不能为空，且不能超过 200 个字符' })
    }
    const ownerId = self(actor)
    const ext = input.ext ?? ''
    const project = projectFields(ext)
    const userList = [...new Set(input.userList ?? [])].filter((id) => id !== ownerId)
    return this.tx(async (trx) => {
      // The caller's own upload or an external URL (a cover the facade just stored is the caller's upload).
      const avatar = await this.pictures.claim(trx, { appId: actor.appId, userId: ownerId }, input.avatar ?? '')
      if (await ownedGroupCount(trx, ownerId) >= MAX_GROUPS_CREATED_PER_USER) {
        throw new DomainError('QUOTA_GROUPS_CREATED', `you already own ${MAX_GROUPS_CREATED_PER_USER} groups`)
      }
      await refuseTooManyJoined(trx, ownerId)
      const known = await usersOfApp(trx, actor.appId, userList)
      const unknown = userList.find((id) => !known.has(id))
      if (unknown !== undefined) throw new DomainError('USER_NOT_FOUND', `user ${unknown} does not exist`)
      let group = await insertGroup(trx, {
        appId: actor.appId, ownerId, name: input.name, description: input.description ?? '', avatar,
        type: input.type ?? 0, ext, projectName: project.projectName ?? '', groupType: project.groupType ?? 1, code: input.code ?? '',
        applyApproval: input.applyApproval ?? 1,
      })
      refuseFull(group, 1 + userList.length)
      if (input.uploadedAvatar) await this.pictures.giveToGroup(trx, avatar, group.id)
      await insertMembers(trx, group.id, [{ userId: ownerId, role: 'owner' }])
      // The initial members are invited by the owner: each joins at once unless it asked to confirm invitations.
      await inviteInto(trx, { ...group, memberCount: 1 }, ownerId, userList, '', known, this.ctx.now())
      group = await liveGroup(trx, actor.appId, group.id)
      return { group, membership: (await findMember(trx, group.id, ownerId)) ?? null }
    })
  }

  /**
   * Stores an uploaded group cover (checked by content and size while streaming) as the uploader's and returns its path,
   * to pass as `avatar` to create with `uploadedAvatar`: the group then owns it, and if the group is not created it goes.
   */
  async storeCover(uploader: Actor, stream: Readable): Promise<string> {
    const userId = self(uploader)
    const saved = await this.ctx.files.save(stream, { folder: 'covers', maxBytes: COVER_MAX_BYTES, accept: ['png', 'jpeg', 'gif', 'bmp', 'webp'] })
    try {
      await this.pictures.record(this.ctx.db, { path: saved.path, appId: uploader.appId, ownerUserId: userId, kind: 'picture' })
    } catch (error) {
      await this.ctx.files.remove(saved.path)
      throw error
    }
    return fileUrlPath(saved.path)
  }

  /** Removes a stored cover no group will use (the request that uploaded it failed). */
  async discardCover(path: string): Promise<void> {
    const stored = storedPathOf(path)
    if (stored) await this.pictures.discard(stored)
  }

  /** The facade's public view of a group: anyone may see it; only members see its face-to-face code ('' for others). */
  async publicView(appId: string, groupId: number, userId: number | null): Promise<Group> {
    const group = await liveGroup(this.ctx.db, appId, groupId)
    const isMember = userId !== null && (await findMember(this.ctx.db, group.id, userId)) !== undefined
    return isMember ? group : { ...group, code: '' }
  }

  /** Any user of the app may read a group; a dismissed one shows status 1. */
  async info(actor: Actor, groupId: number, options: { dismissedToo?: boolean } = { dismissedToo: true }): Promise<GroupView> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId, options)
    return { group, membership: acting.member }
  }

  async infoBatch(actor: Actor, groupIds: number[]): Promise<GroupView[]> {
    const groups = await findGroups(this.ctx.db, actor.appId, [...new Set(groupIds)])
    const memberships = actor.userId === null ? new Map<number, Member>() : await membershipsOf(this.ctx.db, actor.userId, groups.map((g) => g.id))
    return groups.map((group) => ({ group, membership: memberships.get(group.id) ?? null }))
  }

  /** name, description, avatar, ext: admins, or any member while member_modify is on. An avatar follows PicturesService's rules. */
  async updateInfo(actor: Actor, groupId: number, field: InfoField, value: string): Promise<Group> {
    let released: string | undefined
    const updated = await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireMember(acting, group)
      if (acting.role === 'member' && !group.memberModify) {
        throw new DomainError('NEED_ADMIN', `member_modify is off in group ${group.id}: only the owner and admins may change its information`)
      }
      if (field === 'ext') {
        const project = projectFields(value)
        await updateGroupRow(trx, group.id, {
          ext: value,
          project_name: project.projectName,
          group_type: project.groupType,
        })
      } else if (field === 'avatar') {
        const avatar = await this.pictures.claim(trx, { appId: actor.appId, userId: actor.userId, groupId: group.id }, value, group.avatar)
        await updateGroupRow(trx, group.id, { avatar })
        if (avatar !== group.avatar) released = await this.pictures.release(trx, { appId: actor.appId, groupId: group.id }, group.avatar)
      } else {
        await updateGroupRow(trx, group.id, { [field]: value })
      }
      return liveGroup(trx, actor.appId, group.id)
    })
    await this.pictures.removeReleased(released)
    return updated
  }

  async updateSettings(actor: Actor, groupId: number, patch: GroupSettingsPatch): Promise<Group> {
    if (patch.applyApproval !== undefined && ![0, 1, 2].includes(patch.applyApproval)) {
      throw new DomainError('BAD_PARAMETER', 'apply_approval must be 0 (accept all), 1 (admin decides) or 2 (reject all)')
    }
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      await updateGroupRow(trx, group.id, {
        member_invite: patch.memberInvite,
        member_modify: patch.memberModify,
        read_ack: patch.readAck,
        history_visible: patch.historyVisible,
        apply_approval: patch.applyApproval,
      })
      return liveGroup(trx, actor.appId, group.id)
    })
  }

  /** Only admins may send while the whole group is banned; `minutes` -1 bans until lifted. Returns ban_expire_time (s). */
  async banAll(actor: Actor, groupId: number, minutes: number): Promise<number> {
    if (minutes !== -1 && minutes < 1) throw new DomainError('BAD_PARAMETER', 'duration must be a number of minutes ≥ 1, or -1 for no end')
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const expire = minutes === -1 ? -1 : this.nowSeconds() + minutes * 60
      await updateGroupRow(trx, group.id, { ban_expire_time: expire })
      return expire
    })
  }

  async unbanAll(actor: Actor, groupId: number): Promise<void> {
    await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      await updateGroupRow(trx, group.id, { ban_expire_time: 0 })
    })
  }

  /** Dismisses the group: status 1; it then answers 20001 to everything but info. */
  async destroy(actor: Actor, groupId: number): Promise<void> {
    await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireOwner(acting, group)
      await updateGroupRow(trx, group.id, { status: 1 })
    })
  }

  /** The new owner must be a member; the old owner stays on as a plain member. */
  async transfer(actor: Actor, groupId: number, newOwnerId: number): Promise<void> {
    await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireOwner(acting, group)
      if (newOwnerId === group.ownerId) return
      if (!(await findMember(trx, group.id, newOwnerId))) {
        throw new DomainError('TRANSFER_TARGET_NOT_MEMBER', `user ${newOwnerId} is not a member of group ${group.id}`)
      }
      await updateMembers(trx, group.id, [group.ownerId], { role: 'member' })
      await updateMembers(trx, group.id, [newOwnerId], { role: 'owner' })
      await updateGroupRow(trx, group.id, { owner_id: newOwnerId })
    })
  }

  /** Owner only: members become admins (add) or admins become members (remove); one result per user. */
  async setAdmins(actor: Actor, groupId: number, userIds: number[], admin: boolean): Promise<ItemResult[]> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireOwner(acting, group)
      const ids = [...new Set(userIds)]
      const members = await findMembers(trx, group.id, ids)
      const changed: number[] = []
      const results = ids.map((id): ItemResult => {
        const member = members.get(id)
        if (!member) return { id, result: 'fail', reason: 'not a member of the group' }
        if (member.role === 'owner') return { id, result: 'fail', reason: 'the owner is not an admin' }
        changed.push(id)
        return { id, result: 'success', reason: '' }
      })
      await updateMembers(trx, group.id, changed, { role: admin ? 'admin' : 'member' })
      return results
    })
  }

  async admins(actor: Actor, groupId: number): Promise<Member[]> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    return membersByRole(this.ctx.db, group.id, ['admin'])
  }

  /** Members in join order, one keyset page at a time: the same cost at any depth, stable while members come and go. */
  async members(actor: Actor, groupId: number, cursor: string | undefined, limit: number): Promise<Page<Member>> {
    const after = parseCursor(cursor)
    const { group, rows } = await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId)
      requireMember(acting, group)
      await preferIndexOrder(trx)
      return { group, rows: await memberPage(trx, group.id, after, limit) }
    })
    return toPage(rows, limit, group.memberCount, (m) => m.seq)
  }

  /** Every member with its account, in join order (legacy detail, facade users). */
  async membersWithUsers(actor: Actor, groupId: number, page?: { offset: number; limit: number }): Promise<{ group: Group; members: MemberWithUser[] }> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    return { group, members: await membersWithUsers(this.ctx.db, group.id, page) }
  }

  async displayNames(actor: Actor, groupId: number, userIds: number[]): Promise<Member[]> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    const members = await findMembers(this.ctx.db, group.id, [...new Set(userIds)])
    return [...members.values()]
  }

  /**
   * A member's own settings in the group: group card (display name), msg_mute_mode (0, 1, 2) and
   * msg_push_mode (0–4). An admin may also set another member's card (legacy setingGroup), never its modes.
   */
  async configureMember(actor: Actor, groupId: number, change: { targetId?: number; displayName?: string; mute?: number; push?: number }): Promise<Member> {
    if (change.mute !== undefined && ![0, 1, 2].includes(change.mute)) throw new DomainError('BAD_PARAMETER', 'msg_mute_mode must be 0, 1 or 2')
    if (change.push !== undefined && ![0, 1, 2, 3, 4].includes(change.push)) throw new DomainError('BAD_MSG_PUSH_MODE', 'msg_push_mode must be 0, 1, 2, 3 or 4')
    const target = change.targetId ?? self(actor)
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId)
      if (target === acting.userId) requireMember(acting, group)
      else {
        requireAdmin(acting, group)
        if (change.mute !== undefined || change.push !== undefined) throw new DomainError('NO_PERMISSION', "message modes are each member's own to set")
        if (!(await findMember(trx, group.id, target))) throw new DomainError('NOT_GROUP_MEMBER', `user ${target} is not a member of group ${group.id}`)
      }
      await updateMembers(trx, group.id, [target], {
        display_name: change.displayName,
        msg_mute_mode: change.mute,
        msg_push_mode: change.push,
      })
      return (await findMember(trx, group.id, target))!
    })
  }

  /** Removes members: admins remove members, the owner removes admins too; `protectAdmins` (legacy) spares admins. */
  async kick(actor: Actor, groupId: number, userIds: number[], options: { protectAdmins?: boolean } = {}): Promise<ItemResult[]> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      return this.eachMember(trx, group, acting, userIds, options.protectAdmins ?? false, async (ids) => { await deleteMembers(trx, group.id, ids) })
    })
  }

  /** Legacy deleteUser: one member, never the owner or an admin; refusals are errors. Returns who was removed. */
  async kickOne(actor: Actor, groupId: number, userId: number): Promise<{ group: Group; removed: MemberWithUser }> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const member = await findMember(trx, group.id, userId)
      if (!member) throw new DomainError('NOT_GROUP_MEMBER', `user ${userId} is not a member of group ${group.id}`)
      const refusal = cannotManage(acting, member.role, true)
      if (refusal) throw new DomainError('NO_PERMISSION', refusal)
      const user = await findUserById(trx, actor.appId, userId)
      await deleteMembers(trx, group.id, [userId])
      return { group, removed: { ...member, user: toUser(user!) } }
    })
  }

  // ---- what messaging asks (directories.ts): plain reads, no permission rules ----

  /** The group, dismissed or not; undefined when the app has no such group. */
  async find(appId: string, groupId: number): Promise<Group | undefined> {
    return findGroup(this.ctx.db, appId, groupId)
  }

  /** The user's membership of a group of the app, if any. */
  async membershipOf(appId: string, groupId: number, userId: number): Promise<Member | undefined> {
    if (!await findGroup(this.ctx.db, appId, groupId)) return undefined
    return findMember(this.ctx.db, groupId, userId)
  }

  /** Who receives the group's messages: members whose msg_mute_mode is not 2. */
  async receivingMembers(groupId: number): Promise<number[]> {
    return receivingMemberIds(this.ctx.db, groupId)
  }

  /** Ids of the live groups the user is a member of. */
  async joinedIds(appId: string, userId: number): Promise<number[]> {
    return (await groupsOfUser(this.ctx.db, appId, userId)).map((g) => g.group.id)
  }

  /** The owner cannot leave; `adminsMayLeave` false is the legacy rule that admins cannot either. Returns the group left. */
  async leave(actor: Actor, groupId: number, options: { adminsMayLeave?: boolean } = {}): Promise<Group> {
    const userId = self(actor)
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      if (!acting.member) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${group.id}`)
      if (acting.member.role === 'owner') throw new DomainError('OWNER_CANNOT_LEAVE', `you own group ${group.id}: transfer it before leaving`)
      if (acting.member.role === 'admin' && options.adminsMayLeave === false) throw new DomainError('ADMIN_CANNOT_LEAVE')
      await deleteMembers(trx, group.id, [userId])
      return group
    })
  }

  /** Bans members for `minutes` (semantics §5); stored as the epoch second the ban ends. */
  async ban(actor: Actor, groupId: number, userIds: number[], minutes: number): Promise<ItemResult[]> {
    if (!Number.isInteger(minutes) || minutes < 1) throw new DomainError('BAD_PARAMETER', 'duration must be a number of minutes ≥ 1')
    const until = this.nowSeconds() + minutes * 60
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      return this.eachMember(trx, group, acting, userIds, false, (ids) => updateMembers(trx, group.id, ids, { ban_expire: until }))
    })
  }

  async unban(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const members = await findMembers(trx, group.id, [...new Set(userIds)])
      const results = [...new Set(userIds)].map((id): ItemResult => (members.has(id)
        ? { id, result: 'success', reason: '' }
        : { id, result: 'fail', reason: 'not a member of the group' }))
      await updateMembers(trx, group.id, results.filter((r) => r.result === 'success').map((r) => r.id), { ban_expire: 0 })
      return results
    })
  }

  async banned(actor: Actor, groupId: number, cursor: string | undefined, limit: number): Promise<Page<Member>> {
    const after = parseCursor(cursor)
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    const { rows, total } = await bannedPage(this.ctx.db, group.id, this.nowSeconds(), after, limit)
    return toPage(rows, limit, total, (m) => m.seq)
  }

  /** Blocks users (members are removed from the group): they cannot apply, be invited or join until unblocked. */
  async block(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const ids = [...new Set(userIds)]
      const [members, users] = await Promise.all([findMembers(trx, group.id, ids), usersOfApp(trx, actor.appId, ids)])
      const results = ids.map((id): ItemResult => {
        if (!users.has(id)) return { id, result: 'fail', reason: 'user does not exist' }
        const member = members.get(id)
        const refusal = member ? cannotManage(acting, member.role) : null
        return refusal ? { id, result: 'fail', reason: refusal } : { id, result: 'success', reason: '' }
      })
      const blocked = results.filter((r) => r.result === 'success').map((r) => r.id)
      await insertBlocks(trx, group.id, blocked)
      await deleteMembers(trx, group.id, blocked.filter((id) => members.has(id)))
      return results
    })
  }

  async unblock(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const ids = [...new Set(userIds)]
      const removed = new Set(await deleteBlocks(trx, group.id, ids))
      return ids.map((id): ItemResult => (removed.has(id) ? { id, result: 'success', reason: '' } : { id, result: 'fail', reason: 'not in the blacklist' }))
    })
  }

  async blocked(actor: Actor, groupId: number, cursor: string | undefined, limit: number): Promise<Page<Blocked>> {
    // This list pages by user id, an int4 column.
    const after = parseCursor(cursor, 2 ** 31 - 1)
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireAdmin(acting, group)
    const { rows, total } = await blockedPage(this.ctx.db, group.id, after, limit)
    return toPage(rows, limit, total, (b) => b.userId)
  }

  /** Live groups of the caller, each with its membership and newest announcement (legacy groupList, facade list). */
  async joined(actor: Actor): Promise<Array<GroupView & { notice: string }>> {
    const userId = self(actor)
    const rows = await groupsOfUser(this.ctx.db, actor.appId, userId)
    const notices = await latestAnnouncements(this.ctx.db, rows.map((r) => r.group.id))
    return rows.map((r) => ({ group: r.group, membership: r.member, notice: notices.get(r.group.id)?.content ?? '' }))
  }

  async publicGroups(actor: Actor): Promise<number[]> {
    return publicGroupIds(this.ctx.db, actor.appId)
  }

  /**
   * The group, its newest announcement and every member with its account (legacy getGroupDetail). Any user of
   * the app may look; members' mobile numbers are shown to fellow members only.
   */
  async detail(actor: Actor, groupId: number): Promise<{ group: Group; notice: string; members: MemberWithUser[] }> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    const [members, notice] = await Promise.all([membersWithUsers(this.ctx.db, group.id), latestAnnouncement(this.ctx.db, group.id)])
    const shown = acting.member ? members : members.map((m) => ({ ...m, user: { ...m.user, mobile: null } }))
    return { group, notice: notice?.content ?? '', members: shown }
  }

  /**
   * Legacy updateGroup: admins only; undefined fields stay; a notice publishes a new announcement; the project
   * kind is also written into `ext` (extWithGroupType), where REST shows it.
   */
  async updateProject(actor: Actor, groupId: number, patch: { name?: string; groupType?: number; description?: string; notice?: string }): Promise<Group> {
    if (patch.groupType !== undefined && patch.groupType !== 1 && patch.groupType !== 2) {
      throw new DomainError('BAD_PARAMETER', 'type must be 1 (project group) or 2 (shareholder group)', { zh: '群类别 type 只能是 1（项目群）或 2（股东群）' })
    }
    if (patch.name !== undefined && patch.name.length > 200) {
      throw new DomainError('BAD_PARAMETER', 'name must be at most 200 characters', { zh: '群名称不能超过 200 个字符' })
    }
    return this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      await updateGroupRow(trx, group.id, {
        name: patch.name,
        group_type: patch.groupType,
        ext: patch.groupType === undefined ? undefined : extWithGroupType(group.ext, patch.groupType),
        description: patch.description,
      })
      if (patch.notice !== undefined) await insertAnnouncement(trx, group.id, acting.userId, '', patch.notice)
      return liveGroup(trx, actor.appId, group.id)
    })
  }

  /**
   * Applies `change` to the members of `userIds` the actor may manage, and answers one result per user:
   * not a member, or a role the actor may not touch, is a failure for that user only.
   */
  private async eachMember(
    trx: Db, group: Group, acting: Acting, userIds: number[], protectAdmins: boolean, change: (ids: number[]) => Promise<void>,
  ): Promise<ItemResult[]> {
    const ids = [...new Set(userIds)]
    const members = await findMembers(trx, group.id, ids)
    const results = ids.map((id): ItemResult => {
      const member = members.get(id)
      if (!member) return { id, result: 'fail', reason: 'not a member of the group' }
      const refusal = cannotManage(acting, member.role, protectAdmins)
      return refusal ? { id, result: 'fail', reason: refusal } : { id, result: 'success', reason: '' }
    })
    await change(results.filter((r) => r.result === 'success').map((r) => r.id))
    return results
  }
}
