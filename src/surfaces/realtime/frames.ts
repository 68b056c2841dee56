// WebSocket frames (JSON): what the server sends, and parsing what a client may send.
import { RECALL, type ConversationRef, type ConversationSummary, type MessageItem } from '../../domain/messages/messages.types.ts'
import { renderItem } from '../shared/message-item.ts'

/** `message` (or `recall` for a RECALL): a history item plus its conversation as the recipient names it and its sequence. */
export function messageFrame(item: MessageItem, conversation: ConversationRef): string {
  return JSON.stringify({ type: item.contentType === RECALL ? 'recall' : 'message', conversation, ...renderItem(item) })
}

export function ackFrame(conversation: ConversationRef, userId: number, msgId: number, seq: number): string {
  return JSON.stringify({ type: 'ack', conversation, user_id: userId, msg_id: msgId, seq })
}

export function syncFrame(id: unknown, conversation: ConversationRef, messages: MessageItem[], lastSeq: number, hasMore: boolean): string {
  return JSON.stringify({
    type: 'sync',
    ...(id !== undefined ? { id } : {}),
    conversation,
    messages: messages.map(renderItem),
    last_seq: lastSeq,
    has_more: hasMore,
  })
}

export function conversationsFrame(id: unknown, summaries: ConversationSummary[]): string {
  return JSON.stringify({
    type: 'sync',
    ...(id !== undefined ? { id } : {}),
    conversations: summaries.map((s) => ({ conversation: s.conversation, last_seq: s.lastSeq, read_seq: s.readSeq, unread: s.unread })),
  })
}

export function errorFrame(id: unknown, code: number, message: string): string {
  return JSON.stringify({ type: 'error', ...(id !== undefined ? { id } : {}), code, message })
}

export type ClientFrame = { type: 'ping'; id?: unknown } | { type: 'sync'; id?: unknown; conversation?: ConversationRef; afterSeq: number; limit: number }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isId = (v: unknown) => v === undefined || typeof v === 'string' || typeof v === 'number'
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max

/** The text of a WebSocket message as ws hands it over (a Buffer; an ArrayBuffer or fragments with other binary types), as UTF-8. */
export function frameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

/** A client frame, or a reason it is not one. */
export function parseClientFrame(text: string): ClientFrame | { error: string; id?: unknown } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { error: 'a frame is one JSON object' }
  }
  if (!isRecord(raw)) return { error: 'a frame is one JSON object' }
  const id = raw.id
  if (!isId(id)) return { error: 'id must be a string or a number' }
  if (raw.type === 'ping') return { type: 'ping', id }
  if (raw.type !== 'sync') return { error: 'type must be ping or sync', id }
  const limit = raw.limit ?? 100
  if (!isInt(limit, 1, 200)) return { error: 'limit must be 1–200', id }
  if (raw.conversation === undefined) return { type: 'sync', id, afterSeq: 0, limit }
  const c = raw.conversation
  if (!isRecord(c) || (c.type !== 1 && c.type !== 2) || !isInt(c.id, 0, 2147483647)) {
    return { error: 'conversation must be {"type": 1 or 2, "id": user or group id}', id }
  }
  const afterSeq = raw.after_seq ?? 0
  if (!isInt(afterSeq, 0, Number.MAX_SAFE_INTEGER)) return { error: 'after_seq must be an integer ≥ 0', id }
  return { type: 'sync', id, conversation: { type: c.type, id: c.id }, afterSeq, limit }
}
