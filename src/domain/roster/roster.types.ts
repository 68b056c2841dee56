// Domain objects of friends: another user as a roster shows them, friend applications, pages of lists.
import type { KeysetPage } from '../paging.ts'

/** Roster `relation` (semantics §5), from the viewer's side. */
export const Relation = { FRIEND: 0, DELETED: 1, STRANGER: 2, BLACKLISTED: 3 } as const
/** Friend application `status` (semantics §5). */
export const ApplicationStatus = { PENDING: 0, ACCEPTED: 1, DECLINED: 2 } as const

/** Applications expire seven days after they were last sent. */
export const APPLICATION_TTL_MS = 7 * 24 * 3600 * 1000

/** Another user as the viewer sees them: public profile fields only, plus the viewer's own record of them. */
export interface RosterEntry {
  userId: number
  username: string | null
  nickName: string
  /** As stored: an absolute URL given by a client, or a path of our own file store. */
  avatar: string
  description: string
  publicInfo: string
  authMode: number
  authQuestion: string
  /** The viewer's alias, ext and mute setting for this user ('' / false without a record). */
  alias: string
  ext: string
  muteNotification: boolean
  /** 0 friend, 1 deleted by the viewer, 2 stranger, 3 in the viewer's blacklist (whatever the friendship). */
  relation: number
}

export interface FriendApplication {
  id: number
  applicantId: number
  targetId: number
  status: number
  reason: string
  declineReason: string
  /** Epoch ms. */
  expiresAt: number
  createdAt: number
}

/** A keyset page of a roster list; `version` changes with the list. */
export interface Page<T> extends KeysetPage<T> {
  version: number
}

export interface BatchResult {
  success: number[]
  fails: Array<{ userId: number; reason: string }>
}

export interface ExtUpdate {
  alias?: string
  ext?: string
  muteNotification?: boolean
}
