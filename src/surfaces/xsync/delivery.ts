// The xsync sockets of this process: doorbells from the bus become NOTICEs and pushed metas; revoked tokens are kicked.
import type { FastifyBaseLogger } from 'fastify'
import { ACKS_CHANNEL, MESSAGES_CHANNEL, TOKENS_REVOKED_CHANNEL, type AckDoorbell, type MessageDoorbell } from '../../domain/events.ts'
import { conversationFor } from '../../domain/messages/conversation.ts'
import type { Services } from '../../domain/services.ts'
import type { Bus } from '../../platform/bus.ts'
import { BodyType, Command, decode, encode, frameBytes, Ns, OpType, UserNoticeType, type Meta } from './codec.ts'
import type { Session, SessionRegistry } from './session.ts'
import type { Relay } from './deps.ts'
import type { SystemRinger } from './system-conversation.ts'
import { unreadDL } from './unread.ts'
import type { SystemConversation } from './system-conversation.ts'

/** Metas relayed to online sockets of any process (typing, operations of other devices): stored nowhere. */
const RELAY_CHANNEL = 'xsync.relay'

interface RelayDoorbell {
  appId: string
  userIds: number[]
  xidUid: number
  /** The encoded Meta, base64. */
  meta: string
  except?: { userId: number; deviceSn: number }
}

export class XsyncSockets implements SessionRegistry, Relay, SystemRinger {
  private readonly byUser = new Map<number, Set<Session>>()
  private readonly byToken = new Map<number, Set<Session>>()
  private readonly unsubscribe: Array<() => Promise<void>> = []

  constructor(
    private readonly services: Services,
    private readonly bus: Bus,
    private readonly system: SystemConversation,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe.push(
      await this.bus.subscribe(MESSAGES_CHANNEL, (text) => this.onMessage(JSON.parse(text) as MessageDoorbell)),
      await this.bus.subscribe(ACKS_CHANNEL, (text) => this.onAck(JSON.parse(text) as AckDoorbell)),
      await this.bus.subscribe(TOKENS_REVOKED_CHANNEL, (text) => this.onRevoked(JSON.parse(text) as number[])),
      await this.bus.subscribe(RELAY_CHANNEL, (text) => this.onRelay(JSON.parse(text) as RelayDoorbell)),
    )
    if (this.system.start) this.unsubscribe.push(await this.system.start(this))
    // Doorbells were lost while the bus was away: an UNREAD answer makes every SDK pull what waits for it.
    this.bus.onResumed(() => {
      for (const session of this.all()) void this.sendUnread(session)
    })
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) await off()
    for (const session of this.all()) session.close(1001, 'the server is shutting down')
  }

  add(session: Session): void {
    const { actor, deviceSn } = session.login!
    // A new login of the same device replaces the older socket (protocol.md §10: KICK_BY_SAME_DEVICE).
    for (const other of this.byUser.get(actor.userId) ?? []) {
      if (other !== session && other.login?.deviceSn === deviceSn) other.kick(UserNoticeType.KICK_BY_SAME_DEVICE, 'the same device logged in again')
    }
    addTo(this.byUser, actor.userId, session)
    addTo(this.byToken, actor.tokenId, session)
    this.services.presence.connected(actor.userId).catch((error) => this.log.warn({ err: error }, 'presence update failed'))
  }

  remove(session: Session): void {
    const { actor } = session.login!
    if (!removeFrom(this.byUser, actor.userId, session)) return
    removeFrom(this.byToken, actor.tokenId, session)
    this.services.presence.disconnected(actor.userId).catch((error) => this.log.warn({ err: error }, 'presence update failed'))
  }

  private all(): Session[] {
    return [...this.byUser.values()].flatMap((set) => [...set])
  }

  private async sendUnread(session: Session): Promise<void> {
    try {
      if (session.login) session.send(frameBytes(Command.UNREAD, 'UnreadDL', await unreadDL(this.services, this.system, session.login)))
    } catch (error) {
      this.log.warn({ err: error }, 'xsync unread failed')
    }
  }

  /** A stored message: NOTICE of its conversation to each recipient's sockets, except the device that sent it. */
  private onMessage(doorbell: MessageDoorbell): void {
    for (const userId of doorbell.recipients) {
      const sessions = this.byUser.get(userId)
      if (!sessions) continue
      const notice = frameBytes(Command.NOTICE, 'XID', { uid: conversationFor(doorbell.kind, doorbell.peerA, doorbell.peerB, userId).id })
      for (const session of sessions) {
        const sender = doorbell.item.from
        if (sender.uid === userId && sender.deviceSn === session.login?.deviceSn) continue
        session.send(notice)
      }
    }
  }

  /** A read receipt: an OPER READ_ACK meta (from the reader) to the sockets of those who should see it. */
  private onAck(doorbell: AckDoorbell): void {
    for (const userId of doorbell.recipients) {
      const sessions = this.byUser.get(userId)
      if (!sessions) continue
      const uid = conversationFor(doorbell.kind, doorbell.peerA, doorbell.peerB, userId).id
      const meta: Meta = {
        id: doorbell.msgId,
        from: { uid: doorbell.userId },
        to: { uid: doorbell.kind === 2 ? doorbell.peerA : userId },
        timestamp: Date.now(),
        ns: Ns.MESSAGE,
        payload: encode('MessageBody', { type: BodyType.OPER, ctype: 6, operation: { type: OpType.READ_ACK, mid: doorbell.msgId, xid: { uid } } }),
      }
      for (const session of sessions) session.push(uid, [meta])
    }
  }

  private onRevoked(tokenIds: number[]): void {
    for (const tokenId of tokenIds) {
      for (const session of this.byToken.get(tokenId) ?? []) session.kick(UserNoticeType.KICKED_BY_OTHER_DEVICE, 'this device was signed out')
    }
  }

  private onRelay(doorbell: RelayDoorbell): void {
    const meta = decode('Meta', Buffer.from(doorbell.meta, 'base64'))
    for (const userId of doorbell.userIds) {
      for (const session of this.byUser.get(userId) ?? []) {
        if (doorbell.except && doorbell.except.userId === userId && doorbell.except.deviceSn === session.login?.deviceSn) continue
        session.push(doorbell.xidUid, [meta])
      }
    }
  }

  relay(appId: string, userIds: number[], xidUid: number, meta: Meta, except?: { userId: number; deviceSn: number }): void {
    const doorbell: RelayDoorbell = { appId, userIds, xidUid, meta: Buffer.from(encode('Meta', meta)).toString('base64'), ...(except ? { except } : {}) }
    this.bus.publish(RELAY_CHANNEL, JSON.stringify(doorbell)).catch((error) => this.log.warn({ err: error }, 'xsync relay failed'))
  }

  notice(_appId: string, userIds: readonly number[]): void {
    const notice = frameBytes(Command.NOTICE, 'XID', { uid: 0 })
    for (const userId of userIds) for (const session of this.byUser.get(userId) ?? []) session.send(notice)
  }

  push(_appId: string, userId: number, metas: Meta[], deviceSn?: number): void {
    for (const session of this.byUser.get(userId) ?? []) if (deviceSn === undefined || session.login?.deviceSn === deviceSn) session.push(0, metas)
  }
}

function addTo<K>(map: Map<K, Set<Session>>, key: K, session: Session): void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(session)
}

function removeFrom<K>(map: Map<K, Set<Session>>, key: K, session: Session): boolean {
  const set = map.get(key)
  if (!set?.delete(session)) return false
  if (set.size === 0) map.delete(key)
  return true
}
