// Domain objects of groups: the group, its members, applications, invitations, announcements, shared files and pages.
import type { GroupRole } from '../../platform/tables.ts'
import type { User } from '../accounts/accounts.types.ts'
import type { KeysetPage } from '../paging.ts'

export type { GroupRole }

export interface Group {
  id: number
  appId: string
  ownerId: number
  name: string
  description: string
  /** As stored: an absolute URL given by a client, or a path of our own file store. */
  avatar: string
  /** 0 private, 1 public, 2 chatroom. */
  type: number
  /** 0 normal, 1 dismissed. */
  status: number
  memberInvite: boolean
  memberModify: boolean
  applyApproval: number
  readAck: boolean
  historyVisible: boolean
  /** Ordinary members see each other's ids only; the owner and admins see everything. */
  hideMemberInfo: boolean
  /** Epoch seconds; -1 forever; 0 or past = not banned. */
  banExpireTime: number
  ext: string
  projectName: string
  /** Legacy project kind: 1 project group, 2 shareholder group. */
  groupType: number
  /** Face-to-face code of the facade; '' = none. */
  code: string
  memberCount: number
  capacity: number
  createdAt: number
  updatedAt: number
}

export interface Member {
  userId: number
  role: GroupRole
  displayName: string
  msgMuteMode: number
  msgPushMode: number
  /** Epoch seconds; -1 forever; 0 or past = not banned. */
  banExpire: number
  joinedAt: number
}

/** A member with its account, for the lists that show profiles (legacy detail, facade users). */
export interface MemberWithUser extends Member {
  user: User
}

/** A group as one user sees it: the group and that user's membership, if any. */
export interface GroupView {
  group: Group
  membership: Member | null
}

export interface Application {
  id: number
  groupId: number
  applicantId: number
  reason: string
  /** 0 pending, 1 accepted, 2 declined. */
  status: number
  expiresAt: number
  createdAt: number
  updatedAt: number
}

export interface Invitation {
  id: number
  groupId: number
  inviterId: number | null
  inviteeId: number
  reason: string
  /** 0 pending, 1 accepted, 2 declined. */
  status: number
  expiresAt: number
  createdAt: number
  updatedAt: number
}

export interface Announcement {
  id: number
  groupId: number
  authorId: number | null
  title: string
  content: string
  createdAt: number
}

export interface SharedFile {
  id: number
  groupId: number
  uploaderId: number | null
  name: string
  size: number
  type: string
  url: string
  createdAt: number
  updatedAt: number
}

export interface Blocked {
  groupId: number
  userId: number
  createdAt: number
}

/** A keyset page of a groups list, with the list's total. */
export interface Page<T> extends KeysetPage<T> {
  total: number
}

/** The outcome for one user (or file) of a batch operation: kick, ban, invite, admin add… */
export interface ItemResult {
  id: number
  result: 'success' | 'fail'
  reason: string
}

/** What an apply or invitation led to: joined at once, or waiting for someone's decision. */
export type Admission = 'joined' | 'pending'
