// /group/* (002 §7), part two: who is in a group — members, cards and message modes, apply, invite, QR codes, kick, leave, bans, blocklist.
import type { FastifyInstance } from 'fastify'
import { Type, type Static, type TObject } from 'typebox'
import { restOperation } from './route.ts'
import { Id32, Id32List, Int32 } from '../shared/wire.ts'
import {
  ApplicationList,
  BannedList,
  BlockedList,
  GroupId,
  GroupInfoData,
  GroupParams,
  GroupUsersParams,
  HandleParams,
  InvitationList,
  MemberCardParams,
  MemberList,
  PageExtra,
  PageParams,
  renderApplication,
  renderBanned,
  renderBlocked,
  renderGroupInfo,
  renderInvitation,
  renderMember,
  renderPage,
  renderUserResults,
  UserList,
  UserResult,
  UserResults,
} from './group.schemas.ts'

/** The caller's own message modes in a group, as /group/msg/* changes them. */
type MemberModes = { mute?: number; push?: number }

/** Page size when the client names none: member_list 1000 (semantics §5), other lists 100. */
const MEMBER_LIST_LIMIT = 1000
const LIST_LIMIT = 100

export function groupMemberRoutes(app: FastifyInstance): void {
  const { groups, groupAdmission, groupDiscipline } = app.services
  const publicUrl = app.config.PUBLIC_URL

  /** GET /group/member_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/member_list',
    summary: '根据group id获取群成员列表',
    auth: 'any',
    params: Type.Object({ group_id: GroupId, ...PageParams }),
    data: MemberList,
    extra: PageExtra,
    handler: async (p, { actor }) => renderPage(await groups.members(actor, p.group_id, p.cursor, p.limit ?? MEMBER_LIST_LIMIT), renderMember),
  })

  /** POST /group/members/display_name */
  restOperation(app, {
    method: 'POST',
    url: '/group/members/display_name',
    summary: '批量获取群成员的群名片',
    auth: 'any',
    params: GroupUsersParams,
    data: MemberList,
    handler: async (p, { actor }) => (await groups.displayNames(actor, p.group_id, p.user_list)).map(renderMember),
  })

  /** POST|PUT /group/display_name */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/display_name',
    summary: '更新群名片',
    auth: 'user',
    params: MemberCardParams,
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groups.configureMember(actor, p.group_id, { displayName: p.value })
      return true
    },
  })

  /** One message-mode setter: the mode's own field name on the wire, the member setting it changes. */
  const modeSetter = <P extends TObject>(path: string, summary: string, params: P, change: (p: Static<P>) => { groupId: number; mode: MemberModes }) =>
    restOperation(app, {
      method: ['POST', 'PUT'],
      url: `/group/msg/${path}`,
      summary,
      auth: 'user',
      params,
      data: GroupInfoData,
      handler: async (p, { actor }) => {
        const { groupId, mode } = change(p)
        await groups.configureMember(actor, groupId, mode)
        return renderGroupInfo(await groups.info(actor, groupId), publicUrl)
      },
    })
  /** POST|PUT /group/msg/mute_mode */
  modeSetter(
    'mute_mode',
    '设置群消息屏蔽模式',
    Type.Object({
      group_id: GroupId,
      msg_mute_mode: Int32({ description: '群消息屏蔽模式： 0 不屏蔽1 屏蔽本地消息通知2 屏蔽消息，不接收消息' }),
    }),
    (p) => ({ groupId: p.group_id, mode: { mute: p.msg_mute_mode } }),
  )
  /** POST|PUT /group/msg/push_mode */
  modeSetter(
    'push_mode',
    '设置群消息推送模式',
    Type.Object({
      group_id: GroupId,
      msg_push_mode: Int32({ description: '群消息推送类型： 0:接收所有推送;1:不接受推送;2:接收管理员和@消息推送;3:只接收管理员消息推送;4:只接收@消息推送' }),
    }),
    (p) => ({ groupId: p.group_id, mode: { push: p.msg_push_mode } }),
  )

  /** POST /group/apply */
  restOperation(app, {
    method: 'POST',
    url: '/group/apply',
    summary: '申请入群',
    auth: 'user',
    params: Type.Object({ group_id: GroupId, reason: Type.Optional(Type.String({ maxLength: 1000, description: '申请入群原因' })) }),
    data: UserResult,
    handler: async (p, { actor, userId }) => {
      const admission = await groupAdmission.apply(actor, p.group_id, p.reason ?? '')
      return { reason: admission, result: 'success', user_id: userId }
    },
  })

  /** POST|PUT /group/apply/handle */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/apply/handle',
    summary: '管理员处理入群申请',
    auth: 'any',
    params: HandleParams,
    data: UserResult,
    handler: async (p, { actor }) => {
      await groupAdmission.handleApplication(actor, p.group_id, p.user_id, p.approval)
      return { reason: p.approval ? 'accepted' : 'declined', result: 'success', user_id: p.user_id }
    },
  })

  /** POST /group/application_list */
  restOperation(app, {
    method: 'POST',
    url: '/group/application_list',
    summary: '获取群申请列表',
    auth: 'any',
    params: Type.Object({ group_list: Type.Array(GroupId, { minItems: 1, maxItems: 1000, description: '群id列表' }), ...PageParams }),
    data: ApplicationList,
    extra: PageExtra,
    handler: async (p, { actor }) => renderPage(await groupAdmission.applications(actor, p.group_list, p.cursor, p.limit ?? LIST_LIMIT), renderApplication),
  })

  /** POST /group/invite */
  restOperation(app, {
    method: 'POST',
    url: '/group/invite',
    summary: '邀请入群',
    auth: 'any',
    params: Type.Object({
      group_id: GroupId,
      reason: Type.Optional(Type.String({ maxLength: 1000, description: '邀请理由' })),
      user_list: Id32List('受邀请者id，List类型，单次可邀请多个用户入群', { minItems: 1 }),
    }),
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groupAdmission.invite(actor, p.group_id, p.user_list, p.reason ?? '')),
  })

  /** POST|PUT /group/invite/handle */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/invite/handle',
    summary: '用户处理入群邀请',
    auth: 'user',
    params: Type.Object({
      ...HandleParams.properties,
      user_id: Type.Optional(Id32('邀请者的用户id（可选）；自己的id表示“我在该群的待处理邀请”（MaxIM SDK 的写法）')),
    }),
    data: GroupInfoData,
    handler: async (p, { actor, userId }) => {
      // MaxIM's UI sends the invitee's own id: no one invites themselves, so it names the caller's pending invitation, whoever sent it.
      const inviter = p.user_id === userId ? undefined : p.user_id
      await groupAdmission.handleInvitation(actor, p.group_id, inviter, p.approval)
      return renderGroupInfo(await groups.info(actor, p.group_id), publicUrl)
    },
  })

  /** GET /group/invitation_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/invitation_list',
    summary: '获取群邀请列表',
    auth: 'user',
    params: Type.Object(PageParams),
    data: InvitationList,
    extra: PageExtra,
    handler: async (p, { actor }) => renderPage(await groupAdmission.invitations(actor, p.cursor, p.limit ?? LIST_LIMIT), renderInvitation),
  })

  /** GET /group/qrcode/sign */
  restOperation(app, {
    method: 'GET',
    url: '/group/qrcode/sign',
    summary: '获取群邀请二维码信息',
    auth: 'any',
    params: GroupParams,
    data: Type.Object({
      create_at: Type.Integer({ description: '二维码生成时间（毫秒）' }),
      expire_at: Type.Integer({ description: '二维码过期时间（毫秒）' }),
      qr_info: Type.String({ description: '二维码信息（签名，过期前有效）' }),
    }),
    handler: async (p, { actor }) => {
      const qr = await groupAdmission.signQr(actor, p.group_id)
      return { create_at: qr.createdAt, expire_at: qr.expiresAt, qr_info: qr.qrInfo }
    },
  })

  /** POST /group/qrcode/invite */
  restOperation(app, {
    method: 'POST',
    url: '/group/qrcode/invite',
    summary: '二维码邀请入群',
    auth: 'user',
    params: Type.Object({ qr_info: Type.String({ minLength: 1, maxLength: 2000, description: '二维码信息：可以通过GET /group/qrcode/sign获取' }) }),
    data: GroupInfoData,
    handler: async (p, { actor }) => {
      const group = await groupAdmission.joinByQr(actor, p.qr_info)
      return renderGroupInfo(await groups.info(actor, group.id), publicUrl)
    },
  })

  /** POST|DELETE /group/kick */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/kick',
    summary: '将成员踢出群',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groups.kick(actor, p.group_id, p.user_list)),
  })

  /** POST|DELETE /group/leave */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/leave',
    summary: '成员退出群',
    auth: 'user',
    in: 'query',
    params: GroupParams,
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groups.leave(actor, p.group_id)
      return true
    },
  })

  /** POST /group/ban */
  restOperation(app, {
    method: 'POST',
    url: '/group/ban',
    summary: '将用户禁言',
    auth: 'any',
    params: Type.Object({
      duration: Type.Integer({ minimum: 1, maximum: 52_560_000, description: '禁言时长，单位为分钟' }),
      group_id: GroupId,
      user_list: UserList,
    }),
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groupDiscipline.ban(actor, p.group_id, p.user_list, p.duration)),
  })

  /** POST /group/unban */
  restOperation(app, {
    method: 'POST',
    url: '/group/unban',
    summary: '从禁言列表移除用户',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groupDiscipline.unban(actor, p.group_id, p.user_list)),
  })

  /** GET /group/banned_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/banned_list',
    summary: '获取禁言列表',
    auth: 'any',
    params: Type.Object({ group_id: GroupId, ...PageParams }),
    data: BannedList,
    extra: PageExtra,
    handler: async (p, { actor }) => renderPage(await groupDiscipline.banned(actor, p.group_id, p.cursor, p.limit ?? LIST_LIMIT), renderBanned),
  })

  /** POST /group/block */
  restOperation(app, {
    method: 'POST',
    url: '/group/block',
    summary: '将用户加入黑名单',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groupDiscipline.block(actor, p.group_id, p.user_list)),
  })

  /** POST|DELETE /group/unblock */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/unblock',
    summary: '从黑名单移除用户',
    auth: 'any',
    params: GroupUsersParams,
    data: UserResults,
    handler: async (p, { actor }) => renderUserResults(await groupDiscipline.unblock(actor, p.group_id, p.user_list)),
  })

  /** GET /group/blocked_list */
  restOperation(app, {
    method: 'GET',
    url: '/group/blocked_list',
    summary: '获取黑名单列表',
    auth: 'any',
    params: Type.Object({ group_id: GroupId, ...PageParams }),
    data: BlockedList,
    extra: PageExtra,
    handler: async (p, { actor }) => renderPage(await groupDiscipline.blocked(actor, p.group_id, p.cursor, p.limit ?? LIST_LIMIT), renderBlocked),
  })
}
