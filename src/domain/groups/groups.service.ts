// Group use cases of every surface: create, read, settings, roles, members, kick/leave, dismiss (bans and the blocklist: discipline.service.ts; legacy-only rules: project-groups.service.ts; facade-only: facade-groups.service.ts).
import { departEveryGroup } from './departure.ts'
import { shownMember } from './member-privacy.ts'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { parseCursor } from '../paging.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { Db } from '../../platform/db.ts'
import {
  deleteMembers,
  findGroup,
  findGroups,
  findGroupGate,
  type GroupGate,
  findMember,
  findMembers,
  groupsOfUser,
  insertGroup,
  insertMembers,
  memberPage,
  membersByRole,
  membershipsOf,
  ownedGroupCount,
  preferIndexOrder,
  publicGroupIds,
  receivingMemberIds,
  receivingMembersSubquery,
  updateGroupRow,
  updateMembers,
  visibleGroupsSubquery,
} from './groups.repository.ts'
import { latestAnnouncements } from './content.repository.ts'
import {
  liveGroup,
  openGroup,
  MAX_GROUPS_CREATED_PER_USER,
  refuseFull,
  refuseTooManyJoined,
  requireAdmin,
  requireMember,
  requireOwner,
  self,
  toPage,
} from './groups.rules.ts'
import { inviteInto } from './admission.service.ts'
import type { Group, GroupView, ItemResult, Member, Page } from './groups.types.ts'
import type { PicturesService } from '../files/pictures.service.ts'
import type { FacadeGroupsService } from './facade-groups.service.ts'
import { projectFields } from './project-fields.ts'
import { eachMember } from './member-changes.ts'
import { tellGroup, tellInvitations } from './group-notices.ts'
import type { NoticesService } from '../notices/notices.service.ts'
import type { NoticeLog } from '../notices/notices.types.ts'

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

export type InfoField = 'name' | 'description' | 'avatar' | 'ext'
export type GroupSettingsPatch = Partial<{
  memberInvite: boolean
  memberModify: boolean
  readAck: boolean
  historyVisible: boolean
  hideMemberInfo: boolean
  applyApproval: number
}>

export class GroupsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly pictures: PicturesService,
    private readonly covers: FacadeGroupsService,
    private readonly accounts: AccountsService,
    private readonly notices: NoticesService,
  ) {}

  /** One transaction; the notices recorded in it are announced once it commits. */
  private tx<T>(fn: (trx: Db, notices: NoticeLog) => Promise<T>): Promise<T> {
    return this.notices.transaction(fn)
  }

  private open(db: Db, actor: Actor, groupId: number, options: { lock?: boolean; dismissedToo?: boolean } = {}) {
    return openGroup(db, actor, groupId, options)
  }

  async create(actor: Actor, input: CreateGroup): Promise<GroupView> {
    try {
      return await this.createGroup(actor, input)
    } catch (error) {
      if (input.uploadedAvatar && input.avatar) await this.covers.discardCover(input.avatar)
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
    return this.tx(async (trx, notices) => {
      // The caller's own upload or an external URL (a cover the facade just stored is the caller's upload).
      const avatar = await this.pictures.claim(trx, { appId: actor.appId, userId: ownerId }, input.avatar ?? '')
      if ((await ownedGroupCount(trx, ownerId)) >= MAX_GROUPS_CREATED_PER_USER) {
        throw new DomainError('QUOTA_GROUPS_CREATED', `you already own ${MAX_GROUPS_CREATED_PER_USER} groups`)
      }
      await refuseTooManyJoined(trx, ownerId)
      const known = await this.accounts.groupInviteesIn(trx, actor.appId, userList)
      const unknown = userList.find((id) => !known.has(id))
      if (unknown !== undefined) throw new DomainError('USER_NOT_FOUND', `user ${unknown} does not exist`)
      let group = await insertGroup(trx, {
        appId: actor.appId,
        ownerId,
        name: input.name,
        description: input.description ?? '',
        avatar,
        type: input.type ?? 0,
        ext,
        projectName: project.projectName ?? '',
        groupType: project.groupType ?? 1,
        code: input.code ?? '',
        applyApproval: input.applyApproval ?? 1,
      })
      refuseFull(group, 1 + userList.length)
      if (input.uploadedAvatar) await this.pictures.giveToGroup(trx, avatar, group.id)
      await insertMembers(trx, group.id, [{ userId: ownerId, role: 'owner' }])
      // The initial members are invited by the owner: each joins at once unless it asked to confirm invitations.
      const invited = await inviteInto(trx, { ...group, memberCount: 1 }, ownerId, userList, '', known, this.ctx.now())
      // CREATED tells every initial member it is in; those who confirm invitations get INVITED instead.
      await tellGroup(trx, notices, group, 'CREATED', ownerId, { members: 'members' })
      await tellInvitations(trx, notices, group, ownerId, invited, false)
      group = await liveGroup(trx, actor.appId, group.id)
      return { group, membership: (await findMember(trx, group.id, ownerId)) ?? null }
    })
  }

  /** Any user of the app may read a group; a dismissed one shows status 1. */
  async info(actor: Actor, groupId: number, options: { dismissedToo?: boolean } = { dismissedToo: true }): Promise<GroupView> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId, options)
    return { group, membership: acting.member }
  }

  async infoBatch(actor: Actor, groupIds: number[]): Promise<GroupView[]> {
    const groups = await findGroups(this.ctx.db, actor.appId, [...new Set(groupIds)])
    const memberships =
      actor.userId === null
        ? new Map<number, Member>()
        : await membershipsOf(
            this.ctx.db,
            actor.userId,
            groups.map((g) => g.id),
          )
    return groups.map((group) => ({ group, membership: memberships.get(group.id) ?? null }))
  }

  /** name, description, avatar, ext: admins, or any member while member_modify is on. An avatar follows PicturesService's rules. */
  async updateInfo(actor: Actor, groupId: number, field: InfoField, value: string): Promise<Group> {
    let released: string | undefined
    const updated = await this.tx(async (trx, notices) => {
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
      const changed = await liveGroup(trx, actor.appId, group.id)
      await tellGroup(trx, notices, group, 'INFO_UPDATED', acting.userId, { members: 'members' }, { content: JSON.stringify({ [field]: changed[field] }) })
      return changed
    })
    await this.pictures.removeReleased(released)
    return updated
  }

  async updateSettings(actor: Actor, groupId: number, patch: GroupSettingsPatch): Promise<Group> {
    if (patch.applyApproval !== undefined && ![0, 1, 2].includes(patch.applyApproval)) {
      throw new DomainError('BAD_PARAMETER', 'apply_approval must be 0 (accept all), 1 (admin decides) or 2 (reject all)')
    }
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const fields = {
        member_invite: patch.memberInvite,
        member_modify: patch.memberModify,
        read_ack: patch.readAck,
        history_visible: patch.historyVisible,
        hide_member_info: patch.hideMemberInfo,
        apply_approval: patch.applyApproval,
      }
      await updateGroupRow(trx, group.id, fields)
      await tellGroup(trx, notices, group, 'INFO_UPDATED', acting.userId, { members: 'members' }, { content: JSON.stringify(fields) })
      return liveGroup(trx, actor.appId, group.id)
    })
  }

  /** Dismisses the group: status 1; it then answers 20001 to everything but info. */
  async destroy(actor: Actor, groupId: number): Promise<void> {
    await this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireOwner(acting, group)
      await updateGroupRow(trx, group.id, { status: 1 })
      await tellGroup(trx, notices, group, 'DESTROYED', acting.userId, { members: 'members' })
    })
  }

  /** The new owner must be a member; the old owner stays on as a plain member. */
  async transfer(actor: Actor, groupId: number, newOwnerId: number): Promise<void> {
    await this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireOwner(acting, group)
      if (newOwnerId === group.ownerId) return
      if (!(await findMember(trx, group.id, newOwnerId))) {
        throw new DomainError('TRANSFER_TARGET_NOT_MEMBER', `user ${newOwnerId} is not a member of group ${group.id}`)
      }
      await updateMembers(trx, group.id, [group.ownerId], { role: 'member' })
      await updateMembers(trx, group.id, [newOwnerId], { role: 'owner' })
      await updateGroupRow(trx, group.id, { owner_id: newOwnerId })
      await tellGroup(trx, notices, group, 'OWNER_ASSIGNED', group.ownerId, { members: 'members' }, { subjects: [newOwnerId] })
    })
  }

  /** Owner only: members become admins (add) or admins become members (remove); one result per user. */
  async setAdmins(actor: Actor, groupId: number, userIds: number[], admin: boolean): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
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
      const type = admin ? 'ADMIN_GRANTED' : 'ADMIN_REVOKED'
      if (changed.length > 0) await tellGroup(trx, notices, group, type, acting.userId, { members: 'members' }, { subjects: changed })
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
    const after = parseCursor(cursor) ?? 0
    const { group, acting, rows } = await this.tx(async (trx) => {
      const { group, acting } = await this.open(trx, actor, groupId)
      requireMember(acting, group)
      await preferIndexOrder(trx)
      return { group, acting, rows: await memberPage(trx, group.id, after, limit) }
    })
    return toPage(
      rows.map((m) => shownMember(group, acting, m)),
      limit,
      group.memberCount,
      (m) => m.seq,
    )
  }

  async displayNames(actor: Actor, groupId: number, userIds: number[]): Promise<Member[]> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    const members = await findMembers(this.ctx.db, group.id, [...new Set(userIds)])
    return [...members.values()].map((m) => shownMember(group, acting, m))
  }

  /**
   * A member's own settings in the group: group card (display name), msg_mute_mode (0, 1, 2) and
   * msg_push_mode (0–4). An admin may also set another member's card (legacy setingGroup), never its modes.
   */
  async configureMember(actor: Actor, groupId: number, change: { targetId?: number; displayName?: string; mute?: number; push?: number }): Promise<Member> {
    if (change.mute !== undefined && ![0, 1, 2].includes(change.mute)) throw new DomainError('BAD_PARAMETER', 'msg_mute_mode must be 0, 1 or 2')
    if (change.push !== undefined && ![0, 1, 2, 3, 4].includes(change.push)) throw new DomainError('BAD_MSG_PUSH_MODE', 'msg_push_mode must be 0, 1, 2, 3 or 4')
    const target = change.targetId ?? self(actor)
    return this.tx(async (trx, notices) => {
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
      if (change.displayName !== undefined) {
        const content = JSON.stringify({ property: 'display_name', display_name: change.displayName })
        await tellGroup(trx, notices, group, 'INFO_UPDATED', target, { members: 'members' }, { content })
      }
      if (change.mute !== undefined) await tellGroup(trx, notices, group, change.mute === 0 ? 'UNMUTED' : 'MUTED', target, { users: [target] })
      return (await findMember(trx, group.id, target))!
    })
  }

  /** Removes members: admins remove members, the owner removes admins too; `protectAdmins` (legacy) spares admins. */
  async kick(actor: Actor, groupId: number, userIds: number[], options: { protectAdmins?: boolean } = {}): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      return eachMember(trx, group, acting, userIds, options.protectAdmins ?? false, async (ids) => {
        await deleteMembers(trx, group.id, ids)
        if (ids.length > 0) await tellGroup(trx, notices, group, 'KICKED', acting.userId, { members: 'members', users: ids }, { subjects: ids })
      })
    })
  }

  /** Refuses unless the actor is a member (or, with 'admin', an admin or the owner) of the live group: for other modules' rules. */
  async requireRole(actor: Actor, groupId: number, role: 'member' | 'admin'): Promise<void> {
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    if (role === 'admin') requireAdmin(acting, group)
    else requireMember(acting, group)
  }

  // ---- what messaging asks (directories.ts): plain reads, no permission rules ----

  /** The group, dismissed or not; undefined when the app has no such group. */
  async find(appId: string, groupId: number): Promise<Group | undefined> {
    return findGroup(this.ctx.db, appId, groupId)
  }

  /** The user's membership of a group of the app, if any. */
  async membershipOf(appId: string, groupId: number, userId: number): Promise<Member | undefined> {
    if (!(await findGroup(this.ctx.db, appId, groupId))) return undefined
    return findMember(this.ctx.db, groupId, userId)
  }

  /** What a reader needs of the group, dismissed or not, and of the user's membership of it (undefined when not a member); undefined when the app has no such group. One query. */
  async findWithMembership(appId: string, groupId: number, userId: number): Promise<GroupGate | undefined> {
    return findGroupGate(this.ctx.db, appId, groupId, userId)
  }

  /** Who receives the group's messages: members whose msg_mute_mode is not 2. */
  async receivingMembers(groupId: number): Promise<number[]> {
    return receivingMemberIds(this.ctx.db, groupId)
  }

  /** As a subquery for messaging's one-statement reads (built, not run): who receives the group's messages. */
  receivingMembersQuery(groupId: number) {
    return receivingMembersSubquery(this.ctx.db, groupId)
  }

  /** As a subquery (built, not run): the user's live groups, each with the epoch ms from which its history shows to the user. */
  visibleGroupsQuery(appId: string, userId: number) {
    return visibleGroupsSubquery(this.ctx.db, appId, userId)
  }

  /** The owner cannot leave; `adminsMayLeave` false is the legacy rule that admins cannot either. Returns the group left. */
  async leave(actor: Actor, groupId: number, options: { adminsMayLeave?: boolean } = {}): Promise<Group> {
    const userId = self(actor)
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      if (!acting.member) throw new DomainError('NOT_GROUP_MEMBER', `you are not a member of group ${group.id}`)
      if (acting.member.role === 'owner') throw new DomainError('OWNER_CANNOT_LEAVE', `you own group ${group.id}: transfer it before leaving`)
      if (acting.member.role === 'admin' && options.adminsMayLeave === false) throw new DomainError('ADMIN_CANNOT_LEAVE')
      await deleteMembers(trx, group.id, [userId])
      await tellGroup(trx, notices, group, 'LEAVED', userId, { members: 'members', users: [userId] })
      return group
    })
  }

  /** Live groups of the caller, each with its membership and newest announcement (legacy groupList, facade list). */
  async joined(actor: Actor): Promise<Array<GroupView & { notice: string }>> {
    const userId = self(actor)
    const rows = await groupsOfUser(this.ctx.db, actor.appId, userId)
    const notices = await latestAnnouncements(
      this.ctx.db,
      rows.map((r) => r.group.id),
    )
    return rows.map((r) => ({ group: r.group, membership: r.member, notice: notices.get(r.group.id)?.content ?? '' }))
  }

  /** Inside the caller's transaction: a closed account leaves every group (departure.ts); returns the groups dismissed. */
  async departEveryGroupIn(trx: Db, appId: string, userId: number): Promise<number[]> {
    return departEveryGroup(trx, appId, userId)
  }

  async publicGroups(actor: Actor): Promise<number[]> {
    return publicGroupIds(this.ctx.db, actor.appId)
  }
}
