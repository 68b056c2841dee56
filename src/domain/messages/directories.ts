// The directories messaging reads, answered by the groups and roster services of this domain.
import type { GroupsService } from '../groups/groups.service.ts'
import type { RosterService } from '../roster/roster.service.ts'
import type { Group, Member } from '../groups/groups.types.ts'
import type { FriendDirectory, GroupDirectory, GroupFacts, GroupMembership } from './messages.types.ts'

function groupFacts(group: Pick<Group, 'status' | 'banExpireTime' | 'historyVisible' | 'readAck'>): GroupFacts {
  return { status: group.status === 1 ? 1 : 0, banAll: group.banExpireTime, historyVisible: group.historyVisible, readAck: group.readAck }
}

function membership(member: Pick<Member, 'role' | 'msgMuteMode' | 'banExpire' | 'joinedAt'>): GroupMembership {
  return { role: member.role, muteMode: member.msgMuteMode as 0 | 1 | 2, bannedUntil: member.banExpire, joinedAt: member.joinedAt }
}

export function groupDirectory(groups: GroupsService): GroupDirectory {
  return {
    async group(appId, groupId) {
      const group = await groups.find(appId, groupId)
      return group ? groupFacts(group) : null
    },
    async groupWithMembership(appId, groupId, userId) {
      const found = await groups.findWithMembership(appId, groupId, userId)
      return found ? { group: groupFacts(found), membership: found.member ? membership(found.member) : null } : null
    },
    deliveryMembers: (_appId, groupId) => groups.receivingMembers(groupId),
    receivingMembersQuery: (_appId, groupId) => groups.receivingMembersQuery(groupId),
    visibleGroupsQuery: (appId, userId) => groups.visibleGroupsQuery(appId, userId),
  }
}

export function friendDirectory(roster: RosterService): FriendDirectory {
  // Messaging has checked that both users exist in the app before it asks: only the blacklist is left.
  // The group commit's append statement reads the same rows for a one-to-one content send (inSendStatement).
  return { mayMessage: (_appId, from, to) => roster.accepts(to, from), inSendStatement: true }
}
