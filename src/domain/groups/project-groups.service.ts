// Group rules only the legacy Struts surface uses: project fields and the notice (updateGroup), the detail page, kick-one (deleteUser).
import { shownMemberWithUser } from './member-privacy.ts'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import { deleteMembers, findMember, membersWithUsers, updateGroupRow } from './groups.repository.ts'
import { insertAnnouncement, latestAnnouncement } from './content.repository.ts'
import { cannotManage, liveGroup, openGroup, requireAdmin } from './groups.rules.ts'
import { extWithGroupType } from './project-fields.ts'
import type { Group, MemberWithUser } from './groups.types.ts'
import { tellGroup } from './group-notices.ts'
import type { NoticesService } from '../notices/notices.service.ts'

export class ProjectGroupsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
    private readonly notices: NoticesService,
  ) {}

  /** Legacy deleteUser: one member, never the owner or an admin; refusals are errors. Returns who was removed. */
  async kickOne(actor: Actor, groupId: number, userId: number): Promise<{ group: Group; removed: MemberWithUser }> {
    return this.notices.transaction(async (trx, notices) => {
      const { group, acting } = await openGroup(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const member = await findMember(trx, group.id, userId)
      if (!member) throw new DomainError('NOT_GROUP_MEMBER', `user ${userId} is not a member of group ${group.id}`)
      const refusal = cannotManage(acting, member.role, true)
      if (refusal) throw new DomainError('NO_PERMISSION', refusal)
      const user = await this.accounts.userIn(trx, actor.appId, userId)
      await deleteMembers(trx, group.id, [userId])
      await tellGroup(trx, notices, group, 'KICKED', acting.userId, { members: 'members', users: [userId] }, { subjects: [userId] })
      return { group, removed: { ...member, user: user! } }
    })
  }

  /**
   * The group, its newest announcement and every member with its account (legacy getGroupDetail). Any user of
   * the app may look; members' mobile numbers are shown to fellow members only.
   */
  async detail(actor: Actor, groupId: number): Promise<{ group: Group; notice: string; members: MemberWithUser[] }> {
    const { group, acting } = await openGroup(this.ctx.db, actor, groupId)
    const [members, notice] = await Promise.all([membersWithUsers(this.ctx.db, group.id), latestAnnouncement(this.ctx.db, group.id)])
    const shown = (acting.member ? members : members.map((m) => ({ ...m, user: { ...m.user, mobile: null } }))).map((m) =>
      shownMemberWithUser(group, acting, m),
    )
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
    return this.notices.transaction(async (trx, notices) => {
      const { group, acting } = await openGroup(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      await updateGroupRow(trx, group.id, {
        name: patch.name,
        group_type: patch.groupType,
        ext: patch.groupType === undefined ? undefined : extWithGroupType(group.ext, patch.groupType),
        description: patch.description,
      })
      if (patch.notice !== undefined) await insertAnnouncement(trx, group.id, acting.userId, '', patch.notice)
      const changed = await liveGroup(trx, actor.appId, group.id)
      const content = JSON.stringify({ name: patch.name, description: patch.description, ext: patch.groupType === undefined ? undefined : changed.ext })
      if (content !== '{}') await tellGroup(trx, notices, group, 'INFO_UPDATED', acting.userId, { members: 'members' }, { content })
      if (patch.notice !== undefined) await tellGroup(trx, notices, group, 'ANNOUNCEMENT_UPDATED', acting.userId, { members: 'members' })
      return changed
    })
  }
}
