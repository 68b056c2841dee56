// Wire shapes of /group/* (002 §7) and their rendering from domain objects.
import { Type } from 'typebox'
import type { Announcement, Application, Blocked, GroupView, Invitation, ItemResult, Member, Page, SharedFile } from '../../domain/groups/groups.types.ts'
import { absoluteUrl } from '../shared/urls.ts'
import { DisplayName, Id32, Id32List, Int32 } from '../shared/wire.ts'

const Id = Id32
const Text = (description: string, maxLength = 1000) => Type.String({ maxLength, description })

export const GroupId = Id('群id')
export const UserList = Id32List('用户id列表')

// ---- request shapes

export const GroupParams = Type.Object({ group_id: GroupId })
export const GroupUsersParams = Type.Object({ group_id: GroupId, user_list: UserList })
export const GroupTextParams = Type.Object({ group_id: GroupId, value: Text('更新内容', 4000) })
export const GroupNameParams = Type.Object({ group_id: GroupId, value: DisplayName('群名称', 200) })
export const MemberCardParams = Type.Object({ group_id: GroupId, value: DisplayName('群名片', 200) })
export const GroupFlagParams = Type.Object({ group_id: GroupId, value: Type.Boolean({ description: '更新内容' }) })
export const PageParams = {
  cursor: Type.Optional(Type.String({ maxLength: 32, description: '游标：从哪开始取（上一页返回的 cursor）' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: '取多少条' })),
  version: Type.Optional(Int32({ description: '版本，目前没用到，留作扩展' })),
}
export const HandleParams = Type.Object({
  approval: Type.Boolean({ description: '审批，bool类型，true为同意，false为拒绝' }),
  group_id: GroupId,
  user_id: Id('用户id'),
})

// ---- response shapes

/** Envelope fields of paged lists. */
export const PageExtra = {
  cursor: Type.Optional(Type.String({ description: '游标，用于翻页；没有更多时不返回' })),
  total: Type.Integer({ description: '总数' }),
  version: Type.Integer({ description: '版本，目前没用到，留作扩展' }),
}

const ResultFields = {
  reason: Type.String({ description: '失败原因；成功时为空（apply / invite 成功时为 joined 或 pending）' }),
  result: Type.String({ description: '操作结果： success - 成功, fail - 失败' }),
}
export const UserResult = Type.Object({ ...ResultFields, user_id: Type.Integer({ description: '用户ID' }) })
export const UserResults = Type.Array(UserResult, { description: '结果数据' })
export const FileResults = Type.Array(Type.Object({ file_id: Type.Integer({ description: '文件ID' }), ...ResultFields }), { description: '结果数据' })

/** The fields info and info/batch share (left unannotated: each keeps its own static type). */
const GroupCore = {
  apply_approval: Type.Integer({ description: '入群申请审批设置, 0:同意所有申请 1:需要管理员确认 2:拒绝所有申请' }),
  avatar: Type.String({ description: '群头像' }),
  capacity: Type.Integer({ description: '群容量' }),
  count: Type.Integer({ description: '当前人数' }),
  group_id: Type.Integer({ description: '群id' }),
  msg_mute_mode: Type.Integer({ description: '群消息屏蔽模式（调用者的）：0 不屏蔽, 1 屏蔽本地消息通知, 2 屏蔽消息，不接收消息' }),
  msg_push_mode: Type.Integer({
    description: '群消息推送模式（调用者的）：0 接收所有推送, 1 不接受推送, 2 接收管理员和@消息推送, 3 只接收管理员消息推送, 4 只接收@消息推送',
  }),
  name: Type.String({ description: '群名称' }),
  status: Type.Integer({ description: '群状态, 0：正常, 1：已解散' }),
  type: Type.Integer({ description: '群类型 0 私有群, 1 公开群, 2 聊天室' }),
}

export const GroupInfoData = Type.Object(
  {
    ...GroupCore,
    ban_expire_time: Type.Integer({ description: '全员禁言过期时间（秒），禁言期间只允许管理员发消息， 为0或小于当前时间表示不禁言, -1表示永久禁言' }),
    created_at: Type.Integer({ description: '创建时间（毫秒）' }),
    description: Type.String({ description: '群描述' }),
    ext: Type.String({ description: '群扩展信息（JSON 字符串，原样保存；键 projectName / groupType 设置项目名称和项目群类别）' }),
    history_visible: Type.Boolean({ description: '新成员可见历史聊天记录设置' }),
    hide_member_info: Type.Boolean({ description: '是否对普通成员隐藏其他成员的信息（MaxIM SDK）：是则普通成员只看到成员ID' }),
    member_invite: Type.Boolean({ description: '群成员邀请设置' }),
    member_modify: Type.Boolean({ description: '群成员修改群信息设置' }),
    owner_id: Type.Integer({ description: '群主id' }),
    read_ack: Type.Boolean({ description: '群消息已读功能设置' }),
    updated_at: Type.Integer({ description: '更新时间（毫秒）' }),
  },
  { description: '群信息' },
)

export const GroupBatchData = Type.Array(Type.Object({ ...GroupCore, owner: Type.Integer({ description: '群主id' }) }), { description: '结果数据' })

const MemberFields = {
  display_name: Type.String({ description: '成员群名片' }),
  join_time: Type.Integer({ description: '成员入群时间（毫秒）' }),
  user_id: Type.Integer({ description: '用户id' }),
}
export const MemberList = Type.Array(Type.Object(MemberFields), { description: '结果数据' })
export const BannedList = Type.Array(
  Type.Object({
    ...MemberFields,
    expired_time: Type.Integer({ description: '禁言过期时间（秒），-1 表示永久' }),
  }),
  { description: '结果数据：禁言中的成员' },
)
export const BlockedList = Type.Array(
  Type.Object({
    created_at: Type.Integer({ description: '加入黑名单时间（毫秒）' }),
    group_id: Type.Integer({ description: '群组ID' }),
    user_id: Type.Integer({ description: '用户ID' }),
  }),
  { description: '结果数据：群黑名单' },
)

const PendingFields = {
  created_at: Type.Integer({ description: '创建时间（毫秒）' }),
  expired_time: Type.Integer({ description: '过期时间（毫秒）' }),
  group_id: Type.Integer({ description: '群组ID' }),
  reason: Type.String({ description: '原因' }),
  status: Type.Integer({ description: '状态： 0 - 待处理，1 - 同意，2 - 拒绝' }),
  updated_at: Type.Integer({ description: '更新时间（毫秒）' }),
}
export const ApplicationList = Type.Array(
  Type.Object({
    ...PendingFields,
    applicant_id: Type.Integer({ description: '申请者ID' }),
  }),
  { description: '结果数据：入群申请' },
)
export const InvitationList = Type.Array(
  Type.Object({
    ...PendingFields,
    invitee_id: Type.Integer({ description: '被邀请者ID' }),
    inviter_id: Type.Integer({ description: '邀请者ID（管理员 token 邀请时为 0）' }),
  }),
  { description: '结果数据：发给我的入群邀请' },
)

export const AnnouncementData = Type.Object(
  {
    author: Type.Integer({ description: '公告发布者（管理员 token 发布时为 0）' }),
    content: Type.String({ description: '公告内容' }),
    created_at: Type.Integer({ description: '公告发布时间（毫秒）' }),
    group_id: Type.Integer({ description: '群id' }),
    id: Type.Integer({ description: '公告id' }),
    title: Type.String({ description: '公告标题' }),
  },
  { description: '群公告' },
)

export const FileData = Type.Object(
  {
    created_at: Type.Integer({ description: '创建时间（毫秒）' }),
    file_id: Type.Integer({ description: '共享文件id' }),
    group_id: Type.Integer({ description: '群id' }),
    name: Type.String({ description: '共享文件名称' }),
    size: Type.Integer({ description: '共享文件大小' }),
    type: Type.String({ description: '共享文件类型' }),
    updated_at: Type.Integer({ description: '更新时间（毫秒）' }),
    uploader: Type.Integer({ description: '共享文件上传者（管理员 token 上传时为 0）' }),
    url: Type.String({ description: '共享文件url' }),
  },
  { description: '群共享文件返回格式' },
)

// ---- rendering

/** The fields info and info/batch share: the group, and the caller's own message modes in it. */
function renderGroupCore({ group, membership }: GroupView, publicUrl: string) {
  return {
    apply_approval: group.applyApproval,
    avatar: absoluteUrl(group.avatar, publicUrl),
    capacity: group.capacity,
    count: group.memberCount,
    group_id: group.id,
    msg_mute_mode: membership?.msgMuteMode ?? 0,
    msg_push_mode: membership?.msgPushMode ?? 0,
    name: group.name,
    status: group.status,
    type: group.type,
  }
}

export function renderGroupInfo(view: GroupView, publicUrl: string) {
  const { group } = view
  return {
    ...renderGroupCore(view, publicUrl),
    ban_expire_time: group.banExpireTime,
    created_at: group.createdAt,
    description: group.description,
    ext: group.ext,
    history_visible: group.historyVisible,
    hide_member_info: group.hideMemberInfo,
    member_invite: group.memberInvite,
    member_modify: group.memberModify,
    owner_id: group.ownerId,
    read_ack: group.readAck,
    updated_at: group.updatedAt,
  }
}

export function renderGroupBatchItem(view: GroupView, publicUrl: string) {
  return { ...renderGroupCore(view, publicUrl), owner: view.group.ownerId }
}

export function renderMember(m: Member) {
  return { display_name: m.displayName, join_time: m.joinedAt, user_id: m.userId }
}

export function renderUserResults(results: ItemResult[]) {
  return results.map((r) => ({ reason: r.reason, result: r.result, user_id: r.id }))
}

export function renderAnnouncement(a: Announcement) {
  return { author: a.authorId ?? 0, content: a.content, created_at: a.createdAt, group_id: a.groupId, id: a.id, title: a.title }
}

export function renderFile(f: SharedFile) {
  return {
    created_at: f.createdAt,
    file_id: f.id,
    group_id: f.groupId,
    name: f.name,
    size: f.size,
    type: f.type,
    updated_at: f.updatedAt,
    uploader: f.uploaderId ?? 0,
    url: f.url,
  }
}

/** A page in the envelope: items as `data`, `cursor` while more remain, `total`, `version` 0. */
export function renderPage<T, R>(page: Page<T>, render: (item: T) => R) {
  return { data: page.items.map(render), total: page.total, version: 0, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}) }
}

export function renderBanned(m: Member) {
  return { ...renderMember(m), expired_time: m.banExpire }
}

export function renderBlocked(b: Blocked) {
  return { created_at: b.createdAt, group_id: b.groupId, user_id: b.userId }
}

export function renderApplication(a: Application) {
  return {
    applicant_id: a.applicantId,
    created_at: a.createdAt,
    expired_time: a.expiresAt,
    group_id: a.groupId,
    reason: a.reason,
    status: a.status,
    updated_at: a.updatedAt,
  }
}

export function renderInvitation(i: Invitation) {
  return {
    created_at: i.createdAt,
    expired_time: i.expiresAt,
    group_id: i.groupId,
    invitee_id: i.inviteeId,
    inviter_id: i.inviterId ?? 0,
    reason: i.reason,
    status: i.status,
    updated_at: i.updatedAt,
  }
}
