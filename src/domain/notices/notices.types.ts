// What the notice log holds: group, roster and user changes as each recipient is told of them.
import type { Expression } from 'kysely'

/** Group notices, named as the MaxIM protocol names them (docs/xsync/mapping.md §6 says which use case writes which). */
export type GroupNoticeType =
  | 'CREATED'
  | 'DESTROYED'
  | 'JOINED'
  | 'LEAVED'
  | 'APPLYED'
  | 'APPLY_ACCEPTED'
  | 'APPLY_DECLINED'
  | 'INVITED'
  | 'INVITE_ACCEPTED'
  | 'INVITE_DECLINED'
  | 'KICKED'
  | 'BLOCKED'
  | 'UNBLOCKED'
  | 'OWNER_ASSIGNED'
  | 'ADMIN_GRANTED'
  | 'ADMIN_REVOKED'
  | 'MUTED'
  | 'UNMUTED'
  | 'BANNED'
  | 'UNBANNED'
  | 'INFO_UPDATED'
  | 'ANNOUNCEMENT_UPDATED'

export type RosterNoticeType = 'ADDED' | 'REMOVED' | 'ACCEPTED' | 'DECLINED' | 'BLOCKED' | 'UNBLOCKED' | 'APPLIED' | 'INFO_UPDATED'

/** User notices kept in the log. The ones that end a session (kicked, frozen, password changed) go to the socket directly. */
export type UserNoticeType = 'INFO_UPDATED'

interface NoticeBase {
  appId: string
  /** Who acted; null for the system (the app admin). */
  actorId: number | null
  /** Whom it concerns, as the protocol's `to`. */
  subjectIds?: number[]
  /** Free text, or JSON of the changed fields. */
  content?: string
}

export type NewNotice = NoticeBase &
  (
    | { kind: 'group'; type: GroupNoticeType; groupId: number }
    | { kind: 'roster'; type: RosterNoticeType; groupId?: undefined }
    | { kind: 'user'; type: UserNoticeType; groupId?: undefined }
  )

/** A notice as one recipient reads it. */
export interface Notice {
  id: number
  userId: number
  kind: 'group' | 'roster' | 'user'
  type: string
  groupId: number | null
  actorId: number | null
  subjectIds: number[]
  content: string
  /** Epoch ms. */
  createdAt: number
}

/** A built (not run) query whose rows name recipients in `user_id`, e.g. a group's members; another module builds it. */
export type RecipientsQuery = Expression<{ user_id: number }>

/** Who receives a notice: listed users and/or the rows of a query; each user once. */
export interface Audience {
  users?: number[]
  query?: RecipientsQuery
}

/** Records notices inside one open transaction; they are announced once it commits. */
export interface NoticeLog {
  record(notice: NewNotice, audience: Audience): Promise<void>
}
