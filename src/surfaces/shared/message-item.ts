// A message as REST history and the WebSocket's frames both print it: its wire shape and its rendering from a domain item.
import { Type } from 'typebox'
import { CONTENT_TYPES, type MessageItem } from '../../domain/messages/messages.types.ts'

/** A user or group as a message names it (MaxIM's xid). */
export const Xid = Type.Object({
  uid: Type.Integer({ description: '用户ID或群ID' }),
  device_sn: Type.Integer({ description: '设备序号（0 表示不区分设备）' }),
})

/** A history item: REST's `messages`, and the body of a `message` / `sync` frame. */
export const MessageItemSchema = Type.Object({
  msg_id: Type.Integer({ description: '消息ID' }),
  seq: Type.Integer({ description: '会话内序号：连续递增，无空缺' }),
  from_xid: Xid,
  to_xid: Xid,
  ctype: Type.String({ description: '消息类型名：TEXT IMAGE AUDIO VIDEO FILE LOCATION COMMAND FORWARD READ_ACK RECALL APPEND REPLACE' }),
  content: Type.String({ description: '消息内容（撤回后为空）' }),
  attachment: Type.String({ description: '附件（原样）' }),
  config: Type.String({ description: '配置（原样）' }),
  ext: Type.String({ description: '扩展（原样）' }),
  status: Type.String({ description: '状态：UNREAD / DELIVERED / READ（接收方的状态）' }),
  timestamp: Type.Integer({ description: '发送时间（毫秒）' }),
  related_mid: Type.Optional(Type.Integer({ description: 'READ_ACK / RECALL / APPEND / REPLACE 所指的消息ID' })),
  recalled: Type.Optional(Type.Boolean({ description: '已被撤回' })),
})

export function renderItem(item: MessageItem) {
  return {
    msg_id: item.msgId,
    seq: item.seq,
    from_xid: { uid: item.from.uid, device_sn: item.from.deviceSn },
    to_xid: { uid: item.to.uid, device_sn: 0 },
    ctype: CONTENT_TYPES[item.contentType as keyof typeof CONTENT_TYPES] ?? String(item.contentType),
    content: item.content,
    attachment: item.attachment,
    config: item.config,
    ext: item.ext,
    status: item.status,
    timestamp: item.timestamp,
    ...(item.relatedMid !== null ? { related_mid: item.relatedMid } : {}),
    ...(item.recalled ? { recalled: true } : {}),
  }
}
