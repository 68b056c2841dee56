// SYNC uploads: messages through MessagesService.send (every rule), operations per mapping.md §5, typing relayed only.
import type { SendInput } from '../../domain/messages/messages.service.ts'
import { BodyType, Code, decode, Ns, OpType, type Meta, type MessageBody, type SyncDL } from './codec.ts'
import type { LoggedIn } from './provision.ts'
import type { HandlerDeps } from './deps.ts'
import { statusOf } from './status-map.ts'

const RECALL = 10
const APPEND = 11
const REPLACE = 12
const AT_MOST_ONCE = 1
const RTC = 8

export async function upload(deps: Pick<HandlerDeps, 'services' | 'relay' | 'log'>, login: LoggedIn, meta: Meta): Promise<SyncDL | undefined> {
  const clientMid = meta.id ?? 0
  const toUid = meta.to?.uid ?? 0
  const ack = (fields: SyncDL): SyncDL => ({ status: { code: Code.OK }, xid: { uid: toUid }, client_mid: clientMid, ...fields })
  try {
    if (meta.ns === Ns.CONVERSATION) return ack({ server_mid: clientMid, ...(await conversationOp(deps, login, meta)) })
    if (meta.ns !== Ns.MESSAGE) return ack({ status: { code: Code.FAIL, reason: `namespace ${meta.ns ?? 0} is not served by this gateway` } })
    const body = decodeBody(meta)
    if (body.type === BodyType.OPER) return ack(await operation(deps, login, meta, body))
    if (body.type !== BodyType.CHAT && body.type !== BodyType.GROUPCHAT)
      return ack({ status: { code: Code.INVALID_PARAMETER, reason: 'a message is CHAT, GROUPCHAT or OPER' } })
    const self = { userId: login.actor.userId, deviceSn: login.deviceSn }
    if (body.qos === AT_MOST_ONCE || /"input_status"/.test(body.ext ?? '')) {
      // Typing: to the peer's online sockets (as if in the conversation with the sender), stored nowhere.
      if (body.type === BodyType.CHAT) deps.relay.relay(login.actor.appId, [toUid], login.actor.userId, stamped(meta, login), self)
      return ack({ server_mid: clientMid })
    }
    if (body.ctype === RTC) return ack({ status: { code: Code.FAIL, reason: 'calls (ctype RTC) are not served by this gateway' } })
    const sent = await send(deps, login, clientMid, {
      targetType: body.type === BodyType.GROUPCHAT ? 2 : 1,
      targets: [toUid],
      contentType: body.ctype ?? 0,
      content: body.content ?? '',
      attachment: body.attachment ?? '',
      config: body.config ?? '',
      ext: body.ext ?? '',
    })
    return ack(sent)
  } catch (error) {
    const { status, internal } = statusOf(error)
    if (internal) deps.log.error({ err: error }, 'xsync upload failed')
    return ack({ status })
  }
}

function decodeBody(meta: Meta): MessageBody {
  return decode('MessageBody', meta.payload ?? new Uint8Array())
}

async function send(deps: Pick<HandlerDeps, 'services'>, login: LoggedIn, clientMid: number, input: SendInput): Promise<SyncDL> {
  // client_mid is unique per device only: the dedupe key is scoped to the device (migration 0012).
  const transaction = clientMid > 0 && Number.isSafeInteger(clientMid) ? { transactionId: clientMid, transactionScope: login.deviceId } : {}
  const sent = await deps.services.messages.send(login.actor, { ...input, ...transaction })
  const now = Date.now()
  return { server_mid: sent.msgIds[0], server_time: now }
}

/** The user's own meta as other devices must read it: from this user and device. */
function stamped(meta: Meta, login: LoggedIn): Meta {
  return { ...meta, from: { uid: login.actor.userId, deviceSN: login.deviceSn }, timestamp: meta.timestamp || Date.now() }
}

async function operation(deps: Pick<HandlerDeps, 'services' | 'relay'>, login: LoggedIn, meta: Meta, body: MessageBody): Promise<SyncDL> {
  const { actor } = login
  const op = body.operation ?? {}
  const mid = op.mid ?? 0
  const self = { userId: actor.userId, deviceSn: login.deviceSn }
  const conversationUid = op.xid?.uid || meta.to?.uid || 0
  switch (op.type) {
    case OpType.READ_ACK:
      await deps.services.messages.ack(actor, mid, undefined)
      return { server_mid: meta.id }
    case OpType.READ_ALL:
      if (mid > 0) await deps.services.messages.ack(actor, mid, undefined)
      deps.relay.relay(actor.appId, [actor.userId], conversationUid, stamped(meta, login), self)
      return { server_mid: meta.id }
    case OpType.READ_CANCEL:
    case OpType.DELETE:
      // No server-side counterpart (read marks only move forward; no per-message hiding): the user's other devices apply it.
      deps.relay.relay(actor.appId, [actor.userId], conversationUid, stamped(meta, login), self)
      return { server_mid: meta.id }
    case OpType.PLAY_ACK:
      deps.relay.relay(actor.appId, [meta.to?.uid ?? 0], actor.userId, stamped(meta, login), self)
      return { server_mid: meta.id }
    case OpType.DELIVER_ACK:
      return { server_mid: meta.id }
    case OpType.RECALL:
    case OpType.APPEND:
    case OpType.REPLACE: {
      const ref = await deps.services.conversations.ref(actor.appId, conversationUid)
      const contentType = op.type === OpType.RECALL ? RECALL : op.type === OpType.APPEND ? APPEND : REPLACE
      const edit = contentType !== RECALL
      const sent = await send(deps, login, meta.id ?? 0, {
        targetType: ref.type,
        targets: [ref.id],
        contentType,
        relatedMid: mid,
        content: edit ? (body.content ?? '') : '',
        config: edit ? (body.config ?? '') : '',
        ext: edit ? (body.ext ?? '') : '',
      })
      return { xid: { uid: conversationUid }, ...sent, ...(edit ? { edit_timestamp: sent.server_time } : {}) }
    }
    default:
      return { status: { code: Code.INVALID_PARAMETER, reason: `operation ${op.type ?? 0} is not one a client sends` } }
  }
}

/** ns CONVERSATION: DELETE_EVERYWHERE hides it for the user (as REST's delete) and reaches the other devices; DELETE is this device's. */
async function conversationOp(deps: Pick<HandlerDeps, 'services' | 'relay'>, login: LoggedIn, meta: Meta): Promise<SyncDL> {
  const payload = decode('Conversation', meta.payload ?? new Uint8Array())
  const uid = payload.operation?.xid?.uid ?? 0
  const DELETE_EVERYWHERE = 2
  if (payload.operation?.type === DELETE_EVERYWHERE && uid > 0) {
    const { actor } = login
    await deps.services.messages.deleteConversation(actor, await deps.services.conversations.ref(actor.appId, uid))
    deps.relay.relay(actor.appId, [actor.userId], 0, stamped(meta, login), { userId: actor.userId, deviceSn: login.deviceSn })
  }
  return { xid: { uid } }
}
