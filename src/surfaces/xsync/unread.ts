// UNREAD (the heartbeat): per conversation, how many metas wait for this device; the system conversation uid 0 first.
import type { Services } from '../../domain/services.ts'
import { Code, ConvType, type ConversationUnread, type UnreadDL } from './codec.ts'
import type { LoggedIn } from './provision.ts'
import type { SystemConversation } from './system-conversation.ts'

export async function unreadDL(services: Services, system: SystemConversation, login: LoggedIn): Promise<UnreadDL> {
  const { actor, deviceId, deviceSn } = login
  const [notices, conversations] = await Promise.all([
    system.unreadFor({ appId: actor.appId, userId: actor.userId, deviceId, deviceSn }),
    services.messages.waitingForDevice(actor, { deviceId, deviceSn }),
  ])
  const unread: ConversationUnread[] = notices > 0 ? [{ xid: { uid: 0 }, n: notices, type: ConvType.UNKNOWN }] : []
  for (const { conversation, waiting } of conversations) {
    // uid 0 is the system conversation of notices; the admin's sender-less notifications are not served over xsync.
    if (conversation.id === 0) continue
    unread.push({ xid: { uid: conversation.id }, n: waiting, type: conversation.type === 2 ? ConvType.GROUPCHAT : ConvType.CHAT })
  }
  return { status: { code: Code.OK }, unread }
}
