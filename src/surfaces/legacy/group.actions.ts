// chat/group!* actions of 000 and group!setingGroup of 001, answered exactly as the documents print them.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { GroupMemberVO, GroupVO, memberName, muteModeOf, renderGroupMemberVO, renderGroupVO } from './mapping.ts'
import { given, legacyAction, legacyId, optionalLegacyId } from './struts.ts'
import { DisplayName } from '../shared/wire.ts'

const GroupIdParam = Type.String({ description: '群ID' })
const Optional = (description: string) => Type.Optional(Type.String({ description }))
const OptionalName = (description: string) => Type.Optional(DisplayName(description, 200))

function parseGroupType(value: string): number {
  if (value.trim() === '1' || value.trim() === '2') return Number(value.trim())
  throw new DomainError('BAD_PARAMETER', 'type must be 1 (project group) or 2 (shareholder group)', { zh: '群类别 type 只能是 1（项目群）或 2（股东群）' })
}

/** "您已成功退出悦尚九鲜群": the group's name, with 群 added unless the name already ends in it. */
function leftMessage(name: string): string {
  return `您已成功退出${name}${name.endsWith('群') ? '' : '群'}`
}

export function groupActions(app: FastifyInstance): void {
  const { groups, projectGroups, groupAdmission } = app.services
  const publicUrl = app.config.PUBLIC_URL

  /** POST /chat/group!joinGroup */
  legacyAction(app, {
    url: '/chat/group!joinGroup',
    summary: '用户申请入群（群的入群审批设置决定：自动允许、等待管理员审批或拒绝）',
    auth: true,
    params: Type.Object({ groupId: GroupIdParam }),
    handler: async (p, { actor }) => {
      // An application: in at once where the group admits everyone (000's project groups), otherwise it waits for an admin.
      await groupAdmission.apply(actor, legacyId(p.groupId, 'groupId'), '')
      return { info: '申请入群成功' }
    },
  })

  /** POST /chat/group!groupList */
  legacyAction(app, {
    url: '/chat/group!groupList',
    summary: '获取群列表',
    auth: true,
    response: { groupList: Type.Array(GroupVO) },
    handler: async (_p, { actor }) => {
      const joined = await groups.joined(actor)
      return { info: '获取群列表成功', groupList: joined.map((v) => renderGroupVO(v.group, v.notice)) }
    },
  })

  /** POST /chat/group!getGroupDetail */
  legacyAction(app, {
    url: '/chat/group!getGroupDetail',
    summary: '获取群详情',
    auth: true,
    params: Type.Object({ groupId: GroupIdParam }),
    response: { groupInfo: GroupVO, userList: Type.Array(GroupMemberVO) },
    handler: async (p, { actor }) => {
      // Anyone may look (000 states no members-only rule); members' phone numbers only reach fellow members.
      const { group, notice, members } = await projectGroups.detail(actor, legacyId(p.groupId, 'groupId'))
      return {
        info: '获取群详情成功',
        groupInfo: renderGroupVO(group, notice),
        userList: members.map((m) => renderGroupMemberVO(m, publicUrl)),
      }
    },
  })

  /** POST /chat/group!userSetGroup */
  legacyAction(app, {
    url: '/chat/group!userSetGroup',
    summary: '用户设置在群中显示的名称',
    auth: true,
    params: Type.Object({ groupId: GroupIdParam, showName: OptionalName('在群中显示的名称,可以为空，为空表示不设置') }),
    handler: async (p, { actor }) => {
      const groupId = legacyId(p.groupId, 'groupId')
      const showName = given(p.showName)
      await groups.configureMember(actor, groupId, showName !== undefined ? { displayName: showName } : {})
      return { info: '设置群显示名称成功' }
    },
  })

  /** POST /chat/group!exitGroup */
  legacyAction(app, {
    url: '/chat/group!exitGroup',
    summary: '退出群（群主和管理员不允许退出）',
    auth: true,
    params: Type.Object({ groupId: GroupIdParam }),
    handler: async (p, { actor }) => {
      const group = await groups.leave(actor, legacyId(p.groupId, 'groupId'), { adminsMayLeave: false })
      return { info: leftMessage(group.name) }
    },
  })

  /** POST /chat/group!deleteUser */
  legacyAction(app, {
    url: '/chat/group!deleteUser',
    summary: '踢出群成员（群主或管理员；不能踢出群主或者管理员）',
    auth: true,
    params: Type.Object({ groupId: GroupIdParam, groupUserId: Type.String({ description: '要删除群成员ID' }) }),
    handler: async (p, { actor }) => {
      const { removed } = await projectGroups.kickOne(actor, legacyId(p.groupId, 'groupId'), legacyId(p.groupUserId, 'groupUserId'))
      return { info: `已成功踢出成员${memberName(removed, removed.user)}` }
    },
  })

  /** POST /chat/group!updateGroup */
  legacyAction(app, {
    url: '/chat/group!updateGroup',
    summary: '设置群资料（只有管理员）',
    auth: true,
    params: Type.Object({
      groupId: GroupIdParam,
      groupName: OptionalName('新的群名称，如果为空则表示不修改'),
      type: Optional('群类别 1项目群 2股东群，为空表示不修改'),
      introduction: Optional('群介绍，为空表示不修改'),
      notice: Optional('群公告,为空表示不修改'),
    }),
    handler: async (p, { actor }) => {
      const type = given(p.type)
      await projectGroups.updateProject(actor, legacyId(p.groupId, 'groupId'), {
        name: given(p.groupName),
        groupType: type === undefined ? undefined : parseGroupType(type),
        description: given(p.introduction),
        notice: given(p.notice),
      })
      return { info: '修改群资料成功' }
    },
  })

  /** POST /chat/group!setingGroup */
  legacyAction(app, {
    url: '/chat/group!setingGroup',
    summary: '群设置：消息提醒方式（只能给自己设置）、群中显示名称（管理员可以为别人设置）',
    auth: true,
    params: Type.Object({
      groupId: GroupIdParam,
      messageRemainMode: Optional('1接受并提示，2 接收不提示；可以为空，为空表示不设置。只能给自己设置'),
      showName: OptionalName('在群中显示的名称,可以为空，为空表示不设置，管理员可以为别人设置，自己可以给自己设置'),
      userId: Optional('要设置显示名称的成员ID；为空表示自己（为别人设置需要管理员）'),
    }),
    handler: async (p, { actor }) => {
      const mode = given(p.messageRemainMode)
      const showName = given(p.showName)
      await groups.configureMember(actor, legacyId(p.groupId, 'groupId'), {
        targetId: optionalLegacyId(p.userId, 'userId'),
        displayName: showName,
        mute: mode === undefined ? undefined : muteModeOf(mode.trim()),
      })
      return { info: '群设置成功' }
    },
  })
}
