// xsync codec: the .proto files of ./proto loaded with protobufjs, typed encode/decode of Frame and every payload.
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type protobuf from 'protobufjs'
import { lazily } from '../../platform/lazy.ts'

const PROTO_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'proto')
const FILES = ['xid', 'xsync', 'messagebody', 'groupnotice', 'rosternotice', 'usernotice', 'conversation', 'info', 'rtcsignal']
const loadProtobuf = lazily<typeof protobuf>('protobufjs')

let root: protobuf.Root | undefined
/** The wire schema, read at the first frame rather than at start (protobufjs and the .proto parsing: ~50 ms of CPU a start need not pay). */
function schema(): protobuf.Root {
  if (root) return root
  // keepCase: the field names stay those of the .proto (and of protocol.md), e.g. `client_mid`, `deviceSN`.
  const loaded = new (loadProtobuf().Root)()
  loaded.resolvePath = (_origin, target) => join(PROTO_DIR, target.replace(/^.*[\\/]/, ''))
  loaded.loadSync(
    FILES.map((name) => `${name}.proto`),
    { keepCase: true },
  )
  loaded.resolveAll()
  return (root = loaded)
}

/** Wire enums, as numbers (what protobufjs reads and writes). */
export const Command = { UNREAD: 0, SYNC: 1, NOTICE: 2, PROVISION: 3 } as const
export type Command = (typeof Command)[keyof typeof Command]
export const Code = {
  UNKNOWN: 0,
  OK: 1,
  FAIL: 2,
  UNKNOWN_COMMAND: 3,
  PB_PARSER_ERROR: 4,
  DECRYPT_FAILURE: 5,
  INVALID_TOKEN: 7,
  INVALID_PARAMETER: 8,
  UNAUTHORIZED: 9,
  USER_FROZEN: 10,
  USER_BANNED: 11,
  WORD_CENSORED: 12,
  TOO_MANY_DEVICES: 13,
  ENCRYPT_METHOD_UNSUPPORTED: 14,
  DEVICE_GUID_CONFLICT: 15,
  APP_FROZEN: 19,
  RATE_LIMIT_EXCEEDED: 20,
} as const
export type Code = (typeof Code)[keyof typeof Code]
export const Ns = { UNKNOWN: 0, MESSAGE: 1, GROUP_NOTICE: 2, ROSTER_NOTICE: 3, USER_NOTICE: 4, INFO: 5, CONVERSATION: 6, PUSH: 7, RTC_SIGNAL: 8 } as const
export const BodyType = { NORMAL: 0, OPER: 1, CHAT: 2, GROUPCHAT: 3 } as const
export const OpType = {
  UNKNOWN: 0,
  READ_ACK: 1,
  READ_ALL: 2,
  READ_CANCEL: 3,
  DELIVER_ACK: 4,
  RECALL: 5,
  DELETE: 6,
  PLAY_ACK: 7,
  APPEND: 8,
  REPLACE: 9,
} as const
export const ConvType = { UNKNOWN: 0, CHAT: 1, GROUPCHAT: 2 } as const
export const UserNoticeType = { PASSWORD_CHANGED: 1, FROZEN: 2, REMOVED: 3, KICK_BY_SAME_DEVICE: 4, KICKED_BY_OTHER_DEVICE: 5 } as const

export interface Xid {
  uid?: number
  deviceSN?: number
}
export interface Status {
  code?: number
  reason?: string
}
export interface Frame {
  vsn?: number
  compress_method?: number
  command?: number
  payload?: Uint8Array
  encrypt_method?: number
  encrypt_key?: Uint8Array
  check_sum?: number
  tag?: string
}
export interface Provision {
  status?: Status
  xid?: Xid
  password?: string
  token?: string
  os_type?: number
  sdk_vsn?: string
  is_manual_login?: boolean
  device_guid?: string
  device_notifier?: string
  device_token?: string
  device_info?: string
  last_login_time?: number
}
export interface Meta {
  id?: number
  from?: Xid
  to?: Xid
  timestamp?: number
  ns?: number
  payload?: Uint8Array
}
export interface SyncUL {
  xid?: Xid
  key?: number
  meta?: Meta
  is_full_sync?: boolean
  full_sync_num?: number
}
export interface SyncDL {
  status?: Status
  metas?: Meta[]
  next_key?: number
  xid?: Xid
  client_mid?: number
  server_mid?: number
  server_time?: number
  is_full_sync?: boolean
  prev_mid?: number
  is_eager_sync?: boolean
  edit_timestamp?: number
}
export interface ConversationUnread {
  xid?: Xid
  n?: number
  type?: number
}
export interface UnreadDL {
  status?: Status
  unread?: ConversationUnread[]
}
export interface MessageOperation {
  type?: number
  mid?: number
  xid?: Xid
}
export interface MessageBody {
  type?: number
  content?: string
  ctype?: number
  operation?: MessageOperation
  config?: string
  attachment?: string
  ext?: string
  qos?: number
  sender_name?: string
  is_system?: boolean
  priority?: number
  status?: number
  edit_timestamp?: number
}
export interface GroupNotice {
  type?: number
  gid?: Xid
  from?: Xid
  to?: Xid[]
  content?: string
}
export interface RosterNotice {
  type?: number
  from?: Xid
  to?: Xid[]
  content?: string
  roster_vsn?: string
}
export interface UserNotice {
  type?: number
  content?: string
}
export interface ConversationPayload {
  type?: number
  operation?: { type?: number; xid?: Xid }
}

/** Every message type of the schema the gateway reads or writes, by its name in the .proto files. */
export interface Messages {
  Frame: Frame
  Provision: Provision
  SyncUL: SyncUL
  SyncDL: SyncDL
  UnreadDL: UnreadDL
  XID: Xid
  Meta: Meta
  MessageBody: MessageBody
  GroupNotice: GroupNotice
  RosterNotice: RosterNotice
  UserNotice: UserNotice
  Conversation: ConversationPayload
}

const types = new Map<string, protobuf.Type>()
function typeOf(name: keyof Messages): protobuf.Type {
  let type = types.get(name)
  if (!type) types.set(name, (type = schema().lookupType(`imgateway.xsync.${name}`)))
  return type
}

/** Bytes that are not the named message (a protobuf parse error). */
export class CodecError extends Error {}

export function encode<K extends keyof Messages>(name: K, value: Messages[K]): Uint8Array {
  return typeOf(name).encode(value).finish()
}

/** 64-bit fields come back as JavaScript numbers (every id stays below 2⁵³, protocol §11); bytes as Buffers. */
export function decode<K extends keyof Messages>(name: K, bytes: Uint8Array): Messages[K] {
  const type = typeOf(name)
  try {
    return type.toObject(type.decode(bytes), { longs: Number, enums: Number })
  } catch (error) {
    throw new CodecError(`not a ${name}: ${(error as Error).message}`)
  }
}

/** A downlink frame: XSYNC_V1, never compressed nor encrypted (the SDKs can do neither). */
export function frameBytes<K extends keyof Messages>(command: Command, name?: K, payload?: Messages[K]): Uint8Array {
  return encode('Frame', { command, ...(name && payload ? { payload: encode(name, payload) } : {}) })
}

export const ok = (): Status => ({ code: Code.OK })
export const status = (code: Code, reason?: string): Status => ({ code, ...(reason ? { reason } : {}) })
