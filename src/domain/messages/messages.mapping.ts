// Message rows to domain items.
import type { MessageRow } from '../../platform/tables.ts'
import type { MessageItem, MessageStatus } from './messages.types.ts'

export function toItem(row: MessageRow, status: MessageStatus): MessageItem {
  return {
    msgId: Number(row.id),
    seq: Number(row.seq),
    conversationId: Number(row.conversation_id),
    from: { uid: row.sender_id, deviceSn: row.sender_device_sn },
    to: { uid: row.target_id },
    contentType: row.content_type,
    content: row.content,
    attachment: row.attachment,
    config: row.config,
    ext: row.ext,
    relatedMid: row.related_mid === null ? null : Number(row.related_mid),
    recalled: row.recalled,
    timestamp: Number(row.sent_at),
    status,
  }
}
