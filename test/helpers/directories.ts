// In-memory group and friend directories that tests fill, standing in for the groups and roster services messaging asks.
import type { FriendDirectory, GroupDirectory, GroupFacts, GroupMembership } from '../../src/domain/messages/messages.types.ts'

interface TestGroup extends GroupFacts {
  members: Map<number, GroupMembership>
}

export class TestGroups implements GroupDirectory {
  private readonly groups = new Map<number, TestGroup>()
  private nextId = 900_001

  /** A group with these members (the first one owns it); returns its id. */
  create(memberIds: number[], facts: Partial<GroupFacts> = {}): number {
    const id = this.nextId++
    this.groups.set(id, { status: 0, banAll: 0, historyVisible: false, readAck: false, ...facts, members: new Map() })
    memberIds.forEach((userId, i) => this.join(id, userId, { role: i === 0 ? 'owner' : 'member', joinedAt: 0 }))
    return id
  }

  join(groupId: number, userId: number, membership: Partial<GroupMembership> = {}): void {
    this.get(groupId).members.set(userId, { role: 'member', muteMode: 0, bannedUntil: 0, joinedAt: Date.now(), ...membership })
  }

  leave(groupId: number, userId: number): void {
    this.get(groupId).members.delete(userId)
  }

  set(groupId: number, facts: Partial<GroupFacts>): void {
    Object.assign(this.get(groupId), facts)
  }

  setMember(groupId: number, userId: number, change: Partial<GroupMembership>): void {
    const member = this.get(groupId).members.get(userId)
    if (!member) throw new Error(`user ${userId} is not in test group ${groupId}`)
    Object.assign(member, change)
  }

  private get(groupId: number): TestGroup {
    const group = this.groups.get(groupId)
    if (!group) throw new Error(`no test group ${groupId}`)
    return group
  }

  async group(_appId: string, groupId: number) {
    const g = this.groups.get(groupId)
    return g ? { status: g.status, banAll: g.banAll, historyVisible: g.historyVisible, readAck: g.readAck } : null
  }

  async membership(_appId: string, groupId: number, userId: number) {
    const m = this.groups.get(groupId)?.members.get(userId)
    return m ? { ...m } : null
  }

  async deliveryMembers(_appId: string, groupId: number) {
    return [...(this.groups.get(groupId)?.members ?? new Map<number, GroupMembership>())].filter(([, m]) => m.muteMode !== 2).map(([id]) => id)
  }

  async groupsOf(_appId: string, userId: number) {
    return [...this.groups].filter(([, g]) => g.members.has(userId)).map(([id]) => id)
  }
}

/** A blacklist: `block(owner, blocked)` makes `mayMessage(blocked → owner)` false. */
export class TestFriends implements FriendDirectory {
  private readonly blocked = new Set<string>()

  block(owner: number, blocked: number): void {
    this.blocked.add(`${owner}:${blocked}`)
  }

  async mayMessage(_appId: string, from: number, to: number) {
    return !this.blocked.has(`${to}:${from}`)
  }
}
