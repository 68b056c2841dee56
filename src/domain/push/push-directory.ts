// What the push worker asks of messaging, accounts, groups, rosters and presence, answered by their services.
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { DevicesService, PushAudience, PushTargetDevice } from '../accounts/devices.service.ts'
import type { SettingsService } from '../accounts/settings.service.ts'
import type { GroupsService } from '../groups/groups.service.ts'
import type { MessagesService } from '../messages/messages.service.ts'
import type { PushableMessage } from '../messages/messages.types.ts'
import type { PresenceService } from '../messages/presence.service.ts'
import type { RosterService } from '../roster/roster.service.ts'
import type { RecipientSettings } from './notifications.ts'

export interface PushDirectory {
  message(appId: string, msgId: number): Promise<PushableMessage | undefined>
  /** Who a message is for: the one-to-one target, or the group's receiving members but the sender. */
  recipients(appId: string, m: PushableMessage): Promise<number[]>
  /** The user holds the message at `seq` (delivered mark or read mark at or past it). */
  hasDelivered(conversationId: number, userId: number, seq: number): Promise<boolean>
  /** A live socket in any process. */
  isOnline(userId: number): Promise<boolean>
  settings(userId: number): Promise<RecipientSettings | undefined>
  /** The recipient's mute and push modes in the group, and whether the sender is an admin there; undefined when not a member. */
  groupSide(
    appId: string,
    groupId: number,
    recipient: number,
    sender: number,
  ): Promise<{ muteMode: number; pushMode: number; senderIsAdmin: boolean } | undefined>
  /** The recipient blacklisted the sender. */
  blocked(appId: string, sender: number, recipient: number): Promise<boolean>
  devices(userId: number): Promise<PushTargetDevice[]>
  /** The devices with a vendor token that a task's audience names. */
  audienceDevices(appId: string, audience: PushAudience): Promise<Array<PushTargetDevice & { userId: number }>>
  dropDeadToken(deviceId: number, deviceToken: string): Promise<void>
  /** The unread count (a message notification's badge). */
  badge(appId: string, userId: number): Promise<number>
  /** Sets or adds to the user's badge (user_settings.push_badge); answers the new one. */
  changeBadge(userId: number, change: { set: number } | { add: number }): Promise<number>
  /** Live sockets per user of a task's audience; users without one are absent. */
  audienceSockets(appId: string, audience: PushAudience): Promise<Map<number, number>>
  /** push_nick_name, else the nick name, else the username. */
  senderName(appId: string, userId: number): Promise<string>
  groupName(appId: string, groupId: number): Promise<string>
}

export interface PushDirectoryServices {
  messages: MessagesService
  accounts: AccountsService
  settings: SettingsService
  devices: DevicesService
  groups: GroupsService
  roster: RosterService
  presence: PresenceService
}

export function pushDirectory(s: PushDirectoryServices): PushDirectory {
  return {
    message: (appId, msgId) => s.messages.forPush(appId, msgId),
    async recipients(appId, m) {
      if (m.kind === 1) return m.targetId === 0 ? [] : [m.targetId]
      return (await s.groups.receivingMembers(m.targetId)).filter((id) => id !== m.senderId)
    },
    hasDelivered: (conversationId, userId, seq) => s.messages.hasDelivered(conversationId, userId, seq),
    isOnline: (userId) => s.presence.isOnline(userId),
    async settings(userId) {
      return s.settings.get(userId, null).catch(() => undefined)
    },
    async groupSide(appId, groupId, recipient, sender) {
      const member = await s.groups.membershipOf(appId, groupId, recipient)
      if (!member) return undefined
      const senderMember = sender === 0 ? undefined : await s.groups.membershipOf(appId, groupId, sender)
      const senderIsAdmin = sender === 0 || (senderMember !== undefined && senderMember.role !== 'member')
      return { muteMode: member.msgMuteMode, pushMode: member.msgPushMode, senderIsAdmin }
    },
    async blocked(appId, sender, recipient) {
      if (sender === 0) return false
      return !(await s.roster.mayMessage(appId, sender, recipient))
    },
    devices: (userId) => s.devices.pushTargets(userId),
    audienceDevices: (appId, audience) => s.devices.pushTargetsOf(appId, audience),
    dropDeadToken: (deviceId, token) => s.devices.dropDeadToken(deviceId, token),
    badge: (appId, userId) => s.messages.unreadTotal(appId, userId),
    changeBadge: (userId, change) => s.settings.changeBadge(userId, change),
    async audienceSockets(appId, audience) {
      return s.presence.liveSockets(appId, audience === 'all' ? 'all' : await s.devices.audienceUsers(appId, audience))
    },
    async senderName(appId, userId) {
      if (userId === 0) return 'System'
      const [settings, user] = await Promise.all([
        s.settings.get(userId, null).catch(() => undefined),
        s.accounts.getUser(appId, userId).catch(() => undefined),
      ])
      return settings?.pushNickName || user?.nickName || user?.username || `${userId}`
    },
    async groupName(appId, groupId) {
      return (await s.groups.find(appId, groupId))?.name ?? ''
    },
  }
}
