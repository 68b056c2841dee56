// Wire shapes of /roster/* (002 §8) and their rendering from domain objects.
import { Type } from 'typebox'
import type { FriendApplication, RosterEntry } from '../../domain/roster/roster.types.ts'
import { absoluteUrl } from '../shared/urls.ts'
import { DisplayName, Id32 } from '../shared/wire.ts'

export const UserId = (description: string) => Id32(description)

/** Operations that name one other user and nothing else (accept, block, unblock, delete). */
export const OneUserParams = Type.Object({ user_id: UserId('user_id') })

export const PageParams = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 32, description: 'cursor：上一页返回的游标，不传表示第一页' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'limit：每页条数，1-1000，默认1000' }),
})

export const PageExtra = {
  cursor: Type.Optional(Type.String({ description: '游标，返回结果中缺失 cursor，表示已经返回最后一页' })),
  version: Type.Integer({ description: '版本' }),
}

const Alias = DisplayName('备注名称', 128)
const Reason = (description: string) => Type.String({ maxLength: 512, description })

export const ApplyParams = Type.Object({
  user_id: UserId('被申请用户 ID'),
  alias: Type.Optional(Alias),
  auth_answer: Type.Optional(Type.String({ maxLength: 256, description: '问题答案' })),
  reason: Type.Optional(Reason('申请描述')),
})

export const ApplyBatchParams = Type.Object({
  user_id: Type.Optional(UserId('被申请用户 ID')),
  user_ids: Type.Optional(
    Type.Array(UserId('被申请用户 ID'), { maxItems: 1000, description: '被申请用户 ID 列表（本服务扩展：一次添加多个好友，与 user_id 合并）' }),
  ),
  alias: Type.Optional(Alias),
  reason: Type.Optional(Reason('申请描述')),
})

export const BatchData = Type.Object(
  {
    fails: Type.Array(
      Type.Object({
        reason: Type.String({ description: '失败原因' }),
        user_id: Type.Integer({ description: '用户ID' }),
      }),
      { description: '未能添加的用户及原因' },
    ),
    success: Type.Array(Type.Integer(), { description: '已添加为好友的用户ID' }),
  },
  { description: '批量添加好友返回结果' },
)

export const DeclineParams = Type.Object({
  user_id: UserId('拒绝的用户ID'),
  reason: Type.Optional(Reason('拒绝的原因')),
})

export const ExtParams = Type.Object({
  user_id: UserId('好友用户ID'),
  alias: Type.Optional(Alias),
  ext: Type.Optional(Type.String({ maxLength: 4096, description: '扩展信息' })),
  mute_notification: Type.Optional(Type.Boolean({ description: '是否接收消息提醒（true：不提醒）' })),
})

export const DetailsParams = Type.Object({
  list: Type.Array(UserId('用户ID'), { maxItems: 1000, description: '要查看详情的用户ID，最多1000个' }),
})

export const MayMessageParams = Type.Object({
  roster_id: UserId('roster_id：消息接收方用户ID'),
  user_id: Type.Optional(UserId('user_id：消息发送方用户ID，默认为当前用户')),
})

export const MobileParams = Type.Object({ mobile: Type.String({ minLength: 1, maxLength: 32, description: 'mobile' }) })
export const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64, description: 'username' }) })
export const SearchIdParams = Type.Object({ user_id: UserId('用户ID') })

const AUTH_MODE = '验证方式, 0 - 无需验证，任何人可以加为好友, 1 - 需要同意方可加为好友, 2 - 需要回答问题正确方可加为好友, 3 - 拒绝所有加好友申请'

export const RosterEntryData = Type.Object(
  {
    user_id: Type.Integer({ description: '好友用户ID' }),
    username: Type.Union([Type.String(), Type.Null()], { description: '用户名' }),
    nick_name: Type.String({ description: '昵称或名称' }),
    avatar: Type.String({ description: '头像' }),
    description: Type.String({ description: '描述信息' }),
    public_info: Type.String({ description: '公开信息，好友和陌生人可见' }),
    auth_mode: Type.Integer({ description: AUTH_MODE }),
    auth_question: Type.String({ description: '验证问题' }),
    alias: Type.String({ description: '备注名称（当前用户为其设置的）' }),
    ext: Type.String({ description: '扩展信息（当前用户为其设置的）' }),
    mute_notification: Type.Boolean({ description: '是否关闭该好友的消息提醒' }),
    relation: Type.Integer({ description: '关系：0 好友, 1 已删除的好友, 2 陌生人, 3 在黑名单中' }),
  },
  { description: '用户信息（仅公开字段）' },
)

export function renderRosterEntry(entry: RosterEntry, publicUrl: string) {
  return {
    user_id: entry.userId,
    username: entry.username,
    nick_name: entry.nickName,
    avatar: absoluteUrl(entry.avatar, publicUrl),
    description: entry.description,
    public_info: entry.publicInfo,
    auth_mode: entry.authMode,
    auth_question: entry.authQuestion,
    alias: entry.alias,
    ext: entry.ext,
    mute_notification: entry.muteNotification,
    relation: entry.relation,
  }
}

export const ApplicationData = Type.Object({
  user_id: Type.Integer({ description: '发起加好友申请的用户ID' }),
  roster_id: Type.Integer({ description: '被申请的用户ID（本服务扩展：区分收到的与发出的申请）' }),
  reason: Type.String({ description: '申请描述' }),
  status: Type.Integer({ description: '状态：0 待处理, 1 已同意, 2 已拒绝' }),
  expired_time: Type.Integer({ description: '过期时间（毫秒时间戳）' }),
  decline_reason: Type.String({ description: '拒绝的原因（本服务扩展）' }),
})

export function renderApplication(application: FriendApplication) {
  return {
    user_id: application.applicantId,
    roster_id: application.targetId,
    reason: application.reason,
    status: application.status,
    expired_time: application.expiresAt,
    decline_reason: application.declineReason,
  }
}
