// /group/* (002 §7), part one: create, read, information and settings, dismiss, transfer, admins, the caller's and public groups.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { GroupSettingsPatch, InfoField } from '../../domain/groups/groups.service.ts'
import { restOperation } from './route.ts'
import {
  GroupBatchData,
  GroupFlagParams,
  GroupId,
  GroupInfoData,
  GroupNameParams,
  GroupParams,
  GroupTextParams,
  GroupUsersParams,
  MemberList,
  renderGroupBatchItem,
  renderGroupInfo,
  renderMember,
  renderUserResults,
  UserResult,
  UserResults,
} from './group.schemas.ts'
import { groupMemberRoutes } from './group-members.routes.ts'
import { groupContentRoutes } from './group-content.routes.ts'
import { DisplayName, Id32, Id32List } from '../shared/wire.ts'

const GroupIds = Type.Array(Type.Integer({ description: '群id' }), { description: '结果数据：群id列表' })

/** MaxIM SDK's "new session" from a private chat creates a temporary group (type 3): this product has none, and makes it private (semantics §5). */
const TEMPORARY_GROUP = 3

export function groupRoutes(app: FastifyInstance): void {
  const { groups, groupDiscipline } = app.services
  const publicUrl = app.config.PUBLIC_URL

  /** POST /group/create */
  restOperation(app, {
    method: 'POST',
    url: '/group/create',
    summary: '创建群',
    auth: 'user',
    params: Type.Object({
      avatar: Type.Optional(Type.String({ maxLength: 1000, description: '群头像' })),
      description: Type.Optional(Type.String({ maxLength: 4000, description: '群描述' })),
      name: DisplayName('群名称', 200, { minLength: 1 }),
      type: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 3, description: '群类型 1表示公开群，0表示私有群, 2表示聊天室；3（MaxIM SDK 的临时群）按私有群创建' }),
      ),
      user_list: Type.Optional(Id32List('邀请入群的用户id列表')),
      ext: Type.Optional(
        Type.String({ maxLength: 4000, description: '群扩展信息（JSON 字符串）；键 projectName、groupType（1 项目群 / 2 股东群）设置旧版项目群字段' }),
      ),
    }),
    data: GroupInfoData,
    handler: async (p, { actor }) =>
      renderGroupInfo(
        await groups.create(actor, {
          name: p.name,
          description: p.description,
          avatar: p.avatar,
          type: p.type === TEMPORARY_GROUP ? 0 : p.type,
          userList: p.user_list,
          ext: p.ext,
        }),
        publicUrl,
      ),
  })

  /** GET /group/info */
  restOperation(app, {
    method: 'GET',
    url: '/group/info',
    summary: '根据group id获取群信息',
    auth: 'any',
    params: GroupParams,
    data: GroupInfoData,
    handler: async (p, { actor }) => renderGroupInfo(await groups.info(actor, p.group_id), publicUrl),
  })

  /** POST /group/info/batch */
  restOperation(app, {
    method: 'POST',
    url: '/group/info/batch',
    summary: '根据group id获取群信息',
    auth: 'any',
    params: Type.Object({ group_list: Type.Array(GroupId, { maxItems: 1000, description: '群id列表' }) }),
    data: GroupBatchData,
    handler: async (p, { actor }) => (await groups.infoBatch(actor, p.group_list)).map((v) => renderGroupBatchItem(v, publicUrl)),
  })

  /** GET /group/settings */
  restOperation(app, {
    method: 'GET',
    url: '/group/settings',
    summary: '获取群设置',
    auth: 'any',
    params: GroupParams,
    data: GroupInfoData,
    handler: async (p, { actor }) => renderGroupInfo(await groups.info(actor, p.group_id, { dismissedToo: false }), publicUrl),
  })

  const infoSetters: Array<[InfoField, string]> = [
    ['name', '更新群名称'],
    ['description', '更新群描述'],
    ['avatar', '更新群头像'],
    ['ext', '更新扩展信息'],
  ]
  for (const [field, summary] of infoSetters) {
    /** POST|PUT /group/info/{name,description,avatar,ext} */
    restOperation(app, {
      method: ['POST', 'PUT'],
      url: `/group/info/${field}`,
      summary,
      auth: 'any',
      params: field === 'name' ? GroupNameParams : GroupTextParams,
      data: GroupInfoData,
      handler: async (p, { actor }) => {
        await groups.updateInfo(actor, p.group_id, field, p.value)
        return renderGroupInfo(await groups.info(actor, p.group_id), publicUrl)
      },
    })
  }

  const flagSetters: Array<[string, string, keyof GroupSettingsPatch]> = [
    ['allow_member_invitation', '更新群设置--是否允许成员邀请', 'memberInvite'],
    ['allow_member_modify', '更新群设置--群成员是否可修改群信息', 'memberModify'],
    ['enable_read_ack', '更新群设置--是否开启群消息已读功能', 'readAck'],
    ['history_visible', '更新群设置--新成员是否可见群历史聊天记录', 'historyVisible'],
    // MaxIM SDK: not in 002.
    ['hide_member_info', '更新群设置--是否对普通成员隐藏其他成员的信息（MaxIM SDK）', 'hideMemberInfo'],
  ]
  for (const [path, summary, key] of flagSetters) {
    /** POST|PUT /group/settings/{allow_member_invitation,allow_member_modify,enable_read_ack,history_visible,hide_member_info} */
    restOperation(app, {
      method: ['POST', 'PUT'],
      url: `/group/settings/${path}`,
      summary,
      auth: 'any',
      params: GroupFlagParams,
      data: Type.Boolean({ description: '结果数据' }),
      handler: async (p, { actor }) => {
        await groups.updateSettings(actor, p.group_id, { [key]: p.value })
        return true
      },
    })
  }

  /** POST|PUT /group/settings/require_admin_approval */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/settings/require_admin_approval',
    summary: '更新群设置--群申请是否需要管理员审批',
    auth: 'any',
    params: Type.Object({
      apply_approval: Type.Integer({ minimum: 0, maximum: 2, description: '入群申请审批设置, 0:同意所有申请 1:需要管理员确认 2:拒绝所有申请' }),
      group_id: GroupId,
    }),
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groups.updateSettings(actor, p.group_id, { applyApproval: p.apply_approval })
      return true
    },
  })

  /** POST /group/settings/ban_all */
  restOperation(app, {
    method: 'POST',
    url: '/group/settings/ban_all',
    summary: '全员禁言，只允许管理员发消息',
    auth: 'any',
    params: Type.Object({
      duration: Type.Integer({ minimum: -1, maximum: 52_560_000, description: '禁言时长，单位为分钟；-1 表示永久' }),
      group_id: GroupId,
    }),
    data: Type.Object({ ban_expire_time: Type.Integer({ description: '全员禁言过期时间（秒），-1表示永久禁言' }) }),
    handler: async (p, { actor }) => ({ ban_expire_time: await groupDiscipline.banAll(actor, p.group_id, p.duration) }),
  })

  /** POST /group/settings/unban_all */
  restOperation(app, {
    method: 'POST',
    url: '/group/settings/unban_all',
    summary: '取消全员禁言',
    auth: 'any',
    params: GroupParams,
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groupDiscipline.unbanAll(actor, p.group_id)
      return true
    },
  })

  /** POST|DELETE /group/destroy */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/destroy',
    summary: '解散群',
    auth: 'any',
    in: 'query',
    params: GroupParams,
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groups.destroy(actor, p.group_id)
      return true
    },
  })

  /** POST|PUT /group/transfer */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/transfer',
    summary: '转让群',
    auth: 'any',
    params: Type.Object({ group_id: GroupId, new_owner: Id32('新群主的user_id') }),
    data: UserResult,
    handler: async (p, { actor }) => {
      await groups.transfer(actor, p.group_id, p.new_owner)
      return { reason: '', result: 'success', user_id: p.new_owner }
    },
  })

  /** POST /group/admin/add */
  restOperation(app, {
    method: 'POST',
    url: '/group/admin/add',
    summary: '添加群管理员',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groups.setAdmins(actor, p.group_id, p.user_list, true)),
  })

  /** POST|DELETE /group/admin/remove */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/admin/remove',
    summary: '移除群管理员',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groups.setAdmins(actor, p.group_id, p.user_list, false)),
  })

  /** GET /group/admin_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/admin_list',
    summary: '获取群管理员列表',
    auth: 'any',
    params: GroupParams,
    data: MemberList,
    handler: async (p, { actor }) => (await groups.admins(actor, p.group_id)).map(renderMember),
  })

  /** GET /group/public_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/public_list',
    summary: '获取公开群列表',
    auth: 'any',
    data: GroupIds,
    handler: async (_p, { actor }) => groups.publicGroups(actor),
  })

  /** GET /group/user_joined */
  restOperation(app, {
    method: 'GET',
    url: '/group/user_joined',
    summary: '获取用户的群组列表',
    auth: 'user',
    data: GroupIds,
    handler: async (_p, { actor }) => (await groups.joined(actor)).map((v) => v.group.id),
  })

  groupMemberRoutes(app)
  groupContentRoutes(app)
}
