// Wire shapes of /message/* (002 §6) and their rendering from domain items.
import { Type } from 'typebox'
import type { ConversationSummary } from '../../domain/messages/messages.types.ts'
import { BigId, Id32, Int32 } from '../shared/wire.ts'
import { MessageItemSchema, Xid } from '../shared/message-item.ts'

const Id = Id32
const JsonText = (description: string) => Type.Optional(Type.String({ maxLength: 65536, description }))
const ContentTypeDoc = '消息类型 TEXT = 0; IMAGE = 1; AUDIO = 2; VIDEO = 3; FILE = 4; LOCATION = 5; COMMAND = 6; FORWARD = 7'

function sendFields(contentTypes: string) {
  return {
    type: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2, description: '目标类型，1 - 普通用户，2 - 群组（可省略：用户与群共用一个 ID 空间，由 targets 确定）' }),
    ),
    targets: Type.Array(Id('接收用户ID或群ID'), { minItems: 1, maxItems: 100, description: '接收用户ID或群ID' }),
    content_type: Type.Integer({ minimum: 0, maximum: 12, default: 0, description: `${ContentTypeDoc}${contentTypes}` }),
    content: JsonText('消息内容'),
    attachment: JsonText('附件（JSON 字符串，原样保存）'),
    config: JsonText('配置（JSON 字符串，原样保存）'),
    ext: JsonText('扩展（JSON 字符串，原样保存）'),
    from_user_id: Type.Optional(Id('发送者的用户ID（管理员 token 代用户发送；普通用户只能是自己）')),
    transaction_id: Type.Optional(
      Int32({ description: '请求ID，用于消息去重：24 小时内同一发送者重复的 transaction_id 不会再次执行，返回第一次的结果。如果不设置就不会被去重' }),
    ),
  }
}

export const SendParams = Type.Object({
  ...sendFields('; READ_ACK = 9; RECALL = 10; APPEND = 11; REPLACE = 12 (these need related_mid)'),
  related_mid: Type.Optional(BigId('READ_ACK / RECALL / APPEND / REPLACE 所指的消息ID')),
})
export const NotifyParams = Type.Object(sendFields(''))

export const SendData = Type.Boolean({ description: '结果数据' })
export const SendExtra = {
  msg_ids: Type.Array(Type.Integer(), { description: '所发消息的ID，按 targets 的顺序；重复的 transaction_id 返回第一次的消息ID' }),
}

export const ConversationType = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 2, description: '会话类型：1 - 与用户，2 - 群组（可省略：用户与群共用一个 ID 空间，由 ID 确定）' }),
)

export const HistoryParams = Type.Object({
  opposite_id: Type.Integer({ minimum: 0, maximum: 2147483647, description: '对方用户ID（0 为系统通知）或群ID' }),
  type: ConversationType,
  msg_id_start: BigId('从这条消息（含）向前取；0 表示从最新一条开始', 0, { default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: '每页条数（1–100，默认 20）' }),
})

export const HistoryData = Type.Object({
  messages: Type.Array(MessageItemSchema, { description: '消息，从新到旧' }),
  messages_size: Type.Integer({ description: '本页消息数' }),
  next_msg_id: Type.Integer({ description: '下一页的 msg_id_start；最后一页为 0' }),
  is_last: Type.Boolean({ description: '是否最后一页' }),
})

export const AckParams = Type.Object({
  msg_id: BigId('已读到的消息ID（含）'),
  conversation_id: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: '会话：对方用户ID或群ID（可省略，由 msg_id 确定）' })),
  device_sn: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: '设备序号（接受但不使用：已读状态按用户记录）' })),
})

export const DeleteConversationParams = Type.Object({
  conversation_id: Type.Integer({ minimum: 0, maximum: 2147483647, description: '会话：对方用户ID或群ID' }),
  type: ConversationType,
})

export const UnreadData = Type.Array(
  Type.Object({
    conversation_id: Xid,
    type: Type.Integer({ description: '会话类型：1 - 用户，2 - 群组' }),
    num: Type.Integer({ description: '未读消息数（不含自己发的和 READ_ACK/RECALL/APPEND/REPLACE）' }),
    last_seq: Type.Integer({ description: '会话最新序号' }),
    timestamp: Type.Integer({ description: '最新消息时间（毫秒）' }),
  }),
  { description: '结果数据：最近会话，从新到旧' },
)

export function renderSummary(s: ConversationSummary) {
  return {
    conversation_id: { uid: s.conversation.id, device_sn: 0 },
    type: s.conversation.type,
    num: s.unread,
    last_seq: s.lastSeq,
    timestamp: s.lastMessageAt,
  }
}
