// The directories messaging reads, answered by the groups and roster of this domain.
import type { DomainContext } from '../context.ts'
import type { RosterService } from '../roster/roster.service.ts'
import { findGroup, findMember, groupsOfUser, receivingMemberIds } from '../groups/groups.repository.ts'
import type { FriendDirectory, GroupDirectory } from './messages.types.ts'

export function groupDirectory(ctx: DomainContext): GroupDirectory {
  return {
    async group(appId, groupId) {
      const group = await findGroup(ctx.db, appId, groupId)
      return group ? { status: group.status === 1 ? 1 : 0, banAll: group.banExpireTime, historyVisible: group.historyVisible, readAck: group.readAck } : null
    },
    async membership(appId, groupId, userId) {
      if (!await findGroup(ctx.db, appId, groupId)) return null
      const member = await findMember(ctx.db, groupId, userId)
      return member
        ? { role: member.role, muteMode: member.msgMuteMode as 0 | 1 | 2, bannedUntil: member.banExpire, joinedAt: member.joinedAt }
        : null
    },
    deliveryMembers: (_appId, groupId) => receivingMemberIds(ctx.db, groupId),
    async groupsOf(appId, userId) {
      return (await groupsOfUser(ctx.db, appId, userId)).map((g) => g.group.id)
    },
  }
}

export function friendDirectory(roster: RosterService): FriendDirectory {
  return { mayMessage: (appId, from, to) => roster.mayMessage(appId, from, to) }
}
