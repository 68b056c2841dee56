// Unit tests of /ws frames: parsing what a client sends (every refusal names its reason) and the shape of what the server sends.
import t from 'tap'
import { ackFrame, conversationsFrame, errorFrame, messageFrame, parseClientFrame, syncFrame } from '../../src/surfaces/realtime/frames.ts'
import type { MessageItem } from '../../src/domain/messages/messages.types.ts'

const parse = (frame: unknown) => parseClientFrame(typeof frame === 'string' ? frame : JSON.stringify(frame))

t.test('ping, with or without an id', async (t) => {
  t.same(parse({ type: 'ping' }), { type: 'ping', id: undefined })
  t.same(parse({ type: 'ping', id: 'p1' }), { type: 'ping', id: 'p1' })
  t.same(parse({ type: 'ping', id: 0 }), { type: 'ping', id: 0 }, 'id 0 is kept')
})

t.test('sync of the conversation list: limit defaults to 100 and is 1–200', async (t) => {
  t.same(parse({ type: 'sync' }), { type: 'sync', id: undefined, afterSeq: 0, limit: 100 })
  t.same(parse({ type: 'sync', id: 9, limit: 1 }), { type: 'sync', id: 9, afterSeq: 0, limit: 1 })
  t.same(parse({ type: 'sync', limit: 200 }), { type: 'sync', id: undefined, afterSeq: 0, limit: 200 })
  for (const limit of [0, 201, -1, 1.5, '10', true]) {
    t.same(parse({ type: 'sync', id: 'x', limit }), { error: 'limit must be 1–200', id: 'x' }, `limit ${JSON.stringify(limit)}`)
  }
  t.same(parse({ type: 'sync', limit: null }), { type: 'sync', id: undefined, afterSeq: 0, limit: 100 }, 'a null limit is the default')
  t.same(parse({ type: 'sync', after_seq: 5 }), { type: 'sync', id: undefined, afterSeq: 0, limit: 100 }, 'after_seq means nothing without a conversation')
})

t.test('sync of one conversation: type 1 or 2, an int32 id, after_seq an integer ≥ 0', async (t) => {
  t.same(parse({ type: 'sync', id: 'a', conversation: { type: 1, id: 5 } }), {
    type: 'sync',
    id: 'a',
    conversation: { type: 1, id: 5 },
    afterSeq: 0,
    limit: 100,
  })
  t.same(parse({ type: 'sync', conversation: { type: 2, id: 2147483647 }, after_seq: 12, limit: 50 }), {
    type: 'sync',
    id: undefined,
    conversation: { type: 2, id: 2147483647 },
    afterSeq: 12,
    limit: 50,
  })
  t.same(
    parse({ type: 'sync', conversation: { type: 1, id: 0 } }),
    { type: 'sync', id: undefined, conversation: { type: 1, id: 0 }, afterSeq: 0, limit: 100 },
    'id 0: the system',
  )
  t.same(
    parse({ type: 'sync', conversation: { type: 1, id: 3, extra: true } }),
    { type: 'sync', id: undefined, conversation: { type: 1, id: 3 }, afterSeq: 0, limit: 100 },
    'only type and id are taken from the conversation',
  )
  t.equal(
    (parse({ type: 'sync', conversation: { type: 1, id: 3 }, after_seq: Number.MAX_SAFE_INTEGER }) as { afterSeq: number }).afterSeq,
    Number.MAX_SAFE_INTEGER,
  )
  const badConversation = 'conversation must be {"type": 1 or 2, "id": user or group id}'
  for (const conversation of [
    null,
    5,
    'x',
    [],
    {},
    { type: 3, id: 1 },
    { type: '1', id: 1 },
    { type: 1 },
    { type: 1, id: -1 },
    { type: 1, id: 2147483648 },
    { type: 1, id: 1.5 },
    { type: 1, id: '1' },
  ]) {
    t.same(parse({ type: 'sync', id: 1, conversation }), { error: badConversation, id: 1 }, `conversation ${JSON.stringify(conversation)}`)
  }
  for (const afterSeq of [-1, 1.5, '3', true, Number.MAX_SAFE_INTEGER + 2]) {
    t.same(
      parse({ type: 'sync', id: 1, conversation: { type: 1, id: 3 }, after_seq: afterSeq }),
      { error: 'after_seq must be an integer ≥ 0', id: 1 },
      `after_seq ${JSON.stringify(afterSeq)}`,
    )
  }
  t.equal((parse({ type: 'sync', conversation: { type: 1, id: 3 }, after_seq: null }) as { afterSeq: number }).afterSeq, 0, 'a null after_seq is 0')
  t.same(
    parse({ type: 'sync', id: 1, conversation: { type: 9, id: 3 }, limit: 0 }),
    { error: 'limit must be 1–200', id: 1 },
    'the limit is checked before the conversation',
  )
})

t.test('what is not a frame: not JSON, not an object, a bad id, an unknown type', async (t) => {
  for (const text of ['', 'not json', '{"type":', '[]', '[{"type":"ping"}]', 'null', '42', '"ping"', 'true']) {
    t.same(parseClientFrame(text), { error: 'a frame is one JSON object' }, JSON.stringify(text))
  }
  for (const id of [null, true, {}, [1]]) t.same(parse({ type: 'ping', id }), { error: 'id must be a string or a number' }, `id ${JSON.stringify(id)}`)
  t.same(parse({ type: 'send', id: 4 }), { error: 'type must be ping or sync', id: 4 }, 'the id is kept so the error answers the frame')
  t.same(parse({ id: 4 }), { error: 'type must be ping or sync', id: 4 })
  t.same(parse({ type: 'PING' }), { error: 'type must be ping or sync', id: undefined }, 'types are lower case')
})

const item = (patch: Partial<MessageItem> = {}): MessageItem => ({
  msgId: 11,
  seq: 3,
  conversationId: 1,
  from: { uid: 5, deviceSn: 2 },
  to: { uid: 6 },
  recalled: false,
  timestamp: 1_800_000_000_123,
  status: 'DELIVERED',
  contentType: 0,
  content: 'hi',
  attachment: '',
  config: '',
  ext: '{"e":1}',
  relatedMid: null,
  ...patch,
})

t.test('server frames: a message as a history item with its conversation; a recall is its own type', async (t) => {
  t.same(JSON.parse(messageFrame(item(), { type: 1, id: 5 })), {
    type: 'message',
    conversation: { type: 1, id: 5 },
    msg_id: 11,
    seq: 3,
    from_xid: { uid: 5, device_sn: 2 },
    to_xid: { uid: 6, device_sn: 0 },
    ctype: 'TEXT',
    content: 'hi',
    attachment: '',
    config: '',
    ext: '{"e":1}',
    status: 'DELIVERED',
    timestamp: 1_800_000_000_123,
  })
  t.match(JSON.parse(messageFrame(item({ contentType: 10, relatedMid: 9, content: '' }), { type: 2, id: 8 })), {
    type: 'recall',
    ctype: 'RECALL',
    related_mid: 9,
    conversation: { type: 2, id: 8 },
  })
  t.match(
    JSON.parse(messageFrame(item({ contentType: 9, relatedMid: 9 }), { type: 1, id: 5 })),
    { type: 'message', ctype: 'READ_ACK' },
    'other control types are messages',
  )
  t.match(JSON.parse(messageFrame(item({ recalled: true, content: '' }), { type: 1, id: 5 })), { type: 'message', recalled: true })
  t.same(JSON.parse(ackFrame({ type: 2, id: 8 }, 5, 11, 3)), { type: 'ack', conversation: { type: 2, id: 8 }, user_id: 5, msg_id: 11, seq: 3 })
  t.same(JSON.parse(errorFrame('e', 10015, 'slow down')), { type: 'error', id: 'e', code: 10015, message: 'slow down' })
  t.same(JSON.parse(errorFrame(undefined, 10002, 'bad')), { type: 'error', code: 10002, message: 'bad' }, 'no id key when the frame had none')
})

t.test('server frames: sync answers echo the id and page with has_more', async (t) => {
  t.same(JSON.parse(syncFrame('s', { type: 1, id: 5 }, [item()], 3, true)), {
    type: 'sync',
    id: 's',
    conversation: { type: 1, id: 5 },
    messages: [JSON.parse(messageFrame(item(), { type: 1, id: 5 }))].map(({ type: _t, conversation: _c, ...m }) => m),
    last_seq: 3,
    has_more: true,
  })
  t.same(JSON.parse(syncFrame(undefined, { type: 2, id: 8 }, [], 0, false)), {
    type: 'sync',
    conversation: { type: 2, id: 8 },
    messages: [],
    last_seq: 0,
    has_more: false,
  })
  t.same(
    JSON.parse(conversationsFrame(0, [{ conversation: { type: 2, id: 8 }, conversationId: 3, lastSeq: 4, readSeq: 2, unread: 1, lastMessageAt: 5 }])),
    {
      type: 'sync',
      id: 0,
      conversations: [{ conversation: { type: 2, id: 8 }, last_seq: 4, read_seq: 2, unread: 1 }],
    },
    'the list leaves out lastMessageAt',
  )
})
