// Stored messages as xsync metas: chat messages as CHAT/GROUPCHAT bodies, control rows (read ack, recall, edits) as OPER.
import type { MessageItem } from '../../domain/messages/messages.types.ts'
import { BodyType, encode, Ns, OpType, type Meta, type MessageBody } from './codec.ts'

const READ_ACK = 9
const RECALL = 10
const APPEND = 11
const REPLACE = 12
const STATUS = { UNREAD: 0, DELIVERED: 1, READ: 2 } as const
const OP_OF: Record<number, number> = { [READ_ACK]: OpType.READ_ACK, [RECALL]: OpType.RECALL, [APPEND]: OpType.APPEND, [REPLACE]: OpType.REPLACE }

/**
 * One stored message as a meta for a reader; undefined for what the SDK must not see (a recalled original: the
 * RECALL operation that follows deletes it there). `conversationUid`: the conversation as the reader names it.
 */
export function metaOf(item: MessageItem, kind: 1 | 2, conversationUid: number): Meta | undefined {
  if (item.recalled) return undefined
  const op = OP_OF[item.contentType]
  let body: MessageBody
  if (op !== undefined) {
    const edit = op === OpType.APPEND || op === OpType.REPLACE
    body = {
      type: BodyType.OPER,
      ctype: 6,
      operation: { type: op, mid: item.relatedMid ?? 0, xid: { uid: conversationUid } },
      ...(edit ? { content: item.content, config: item.config, ext: item.ext, edit_timestamp: item.timestamp } : {}),
    }
  } else {
    body = {
      type: kind === 2 ? BodyType.GROUPCHAT : BodyType.CHAT,
      ctype: item.contentType,
      content: item.content,
      attachment: item.attachment,
      config: item.config,
      ext: item.ext,
      status: STATUS[item.status],
      is_system: item.from.uid === 0,
    }
  }
  return {
    id: item.msgId,
    from: { uid: item.from.uid, deviceSN: item.from.deviceSn },
    to: { uid: item.to.uid },
    timestamp: item.timestamp,
    ns: Ns.MESSAGE,
    payload: encode('MessageBody', body),
  }
}
