// SYNC pulls: incremental (after the device's cursor, moving it) and history (is_full_sync, newest first, older than key).
import type { MessageItem } from '../../domain/messages/messages.types.ts'
import { BodyType, Code, encode, Ns, OpType, type Meta, type SyncDL, type SyncUL } from './codec.ts'
import { metaOf } from './metas.ts'
import type { LoggedIn } from './provision.ts'
import type { HandlerDeps } from './deps.ts'
import { statusOf } from './status-map.ts'

/** Metas per incremental answer; the SDK asks again with next_key while it is not 0. */
const PULL_LIMIT = 100
const HISTORY_DEFAULT = 20
/** The REST history page's limit, less the one extra row read to make the key exclusive. */
const HISTORY_MAX = 99

export async function pull(deps: Pick<HandlerDeps, 'services' | 'system' | 'relay' | 'log'>, login: LoggedIn, request: SyncUL): Promise<SyncDL> {
  const { actor, deviceId, deviceSn } = login
  const uid = request.xid?.uid ?? 0
  const key = request.key ?? 0
  const xid = { uid }
  const full = request.is_full_sync === true
  if (uid === 0) {
    if (full) return { status: { code: Code.OK }, xid, is_full_sync: true, next_key: key }
    const page = await deps.system.pull({ appId: actor.appId, userId: actor.userId, deviceId, deviceSn }, key, PULL_LIMIT)
    return { status: { code: Code.OK }, xid, metas: page.metas, next_key: page.nextKey }
  }
  try {
    const ref = await deps.services.conversations.ref(actor.appId, uid)
    const metasOf = (items: MessageItem[]) => items.map((item) => metaOf(item, ref.type, ref.id)).filter((m): m is Meta => m !== undefined)
    if (full) {
      const limit = Math.min(Math.max(request.full_sync_num || HISTORY_DEFAULT, 1), HISTORY_MAX)
      // REST's msg_id_start is inclusive, xsync's key exclusive: read one more and drop the key's own message.
      const page = await deps.services.messages.history(actor, ref, key, key > 0 ? limit + 1 : limit)
      const items = page.messages.filter((m) => m.msgId !== key).slice(0, limit)
      return { status: { code: Code.OK }, xid, is_full_sync: true, metas: metasOf(items), next_key: items.at(-1)?.msgId ?? key }
    }
    const page = await deps.services.messages.pullForDevice(actor, { deviceId, deviceSn }, ref, key, PULL_LIMIT)
    // A pair's messages reached a device of the reader: the sender's online devices mark them DELIVERED.
    const delivered = ref.type === 1 ? page.messages.findLast((m) => m.from.uid === ref.id && m.contentType < 9) : undefined
    if (delivered) deps.relay.relay(actor.appId, [ref.id], actor.userId, deliverAck(actor.userId, ref.id, delivered.msgId))
    return { status: { code: Code.OK }, xid, metas: metasOf(page.messages), next_key: page.nextKey }
  } catch (error) {
    const { status, internal } = statusOf(error)
    if (internal) deps.log.error({ err: error }, 'xsync pull failed')
    return { status, xid, ...(full ? { is_full_sync: true } : {}) }
  }
}

/** OPER DELIVER_ACK of `mid` from the reader to its sender (protocol.md §8b; the SDKs never send one themselves). */
function deliverAck(reader: number, sender: number, mid: number): Meta {
  const body = { type: BodyType.OPER, ctype: 6, operation: { type: OpType.DELIVER_ACK, mid, xid: { uid: reader } } }
  return { id: mid, from: { uid: reader }, to: { uid: sender }, timestamp: Date.now(), ns: Ns.MESSAGE, payload: encode('MessageBody', body) }
}
