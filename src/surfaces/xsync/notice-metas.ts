// The system conversation xid{uid: 0} over the notice log: each notice a GroupNotice, RosterNotice or UserNotice meta, pulled from the device's cursor.
import type { Services } from '../../domain/services.ts'
import type { Bus } from '../../platform/bus.ts'
import { NOTICES_CHANNEL, type NoticeDoorbell } from '../../domain/events.ts'
import type { GroupNoticeType, Notice, RosterNoticeType, UserNoticeType } from '../../domain/notices/notices.types.ts'
import type { NoticeReader } from '../../domain/notices/notices.service.ts'
import { encode, Ns, type Meta, type Xid } from './codec.ts'

/** GroupNotice.Type numbers (groupnotice.proto). */
const GROUP_TYPES: Record<GroupNoticeType, number> = {
  CREATED: 3,
  DESTROYED: 4,
  JOINED: 5,
  LEAVED: 6,
  APPLYED: 7,
  APPLY_ACCEPTED: 8,
  APPLY_DECLINED: 9,
  INVITED: 10,
  INVITE_ACCEPTED: 11,
  INVITE_DECLINED: 12,
  KICKED: 13,
  BLOCKED: 14,
  UNBLOCKED: 15,
  OWNER_ASSIGNED: 16,
  ADMIN_GRANTED: 17,
  ADMIN_REVOKED: 18,
  MUTED: 19,
  UNMUTED: 20,
  BANNED: 21,
  UNBANNED: 22,
  INFO_UPDATED: 23,
  ANNOUNCEMENT_UPDATED: 24,
}

/** RosterNotice.Type numbers (rosternotice.proto). */
const ROSTER_TYPES: Record<RosterNoticeType, number> = {
  ADDED: 1,
  REMOVED: 2,
  ACCEPTED: 3,
  DECLINED: 4,
  BLOCKED: 5,
  UNBLOCKED: 6,
  APPLIED: 7,
  INFO_UPDATED: 8,
}

/** UserNotice.Type numbers (usernotice.proto) of the user notices the log keeps. */
const USER_TYPES: Record<UserNoticeType, number> = { INFO_UPDATED: 6 }

/** UNREAD counts the notices waiting for a device no further than this (the SDK only asks whether to pull). */
const UNREAD_CAP = 1000

const xid = (uid: number | null): Xid => ({ uid: uid ?? 0 })

/** One notice as the meta the SDK dispatches on `ns`: from the system (uid 0) to the recipient, id = the notice's id. */
export function noticeMeta(notice: Notice): Meta {
  const from = xid(notice.actorId)
  const to = notice.subjectIds.map(xid)
  let ns: number
  let payload: Uint8Array
  if (notice.kind === 'group') {
    ns = Ns.GROUP_NOTICE
    const type = GROUP_TYPES[notice.type as GroupNoticeType] ?? 0
    payload = encode('GroupNotice', { type, gid: xid(notice.groupId), from, to, content: notice.content })
  } else if (notice.kind === 'roster') {
    ns = Ns.ROSTER_NOTICE
    payload = encode('RosterNotice', { type: ROSTER_TYPES[notice.type as RosterNoticeType] ?? 0, from, to, content: notice.content })
  } else {
    ns = Ns.USER_NOTICE
    payload = encode('UserNotice', { type: USER_TYPES[notice.type as UserNoticeType] ?? 0, content: notice.content })
  }
  return { id: notice.id, from: xid(0), to: xid(notice.userId), timestamp: notice.createdAt, ns, payload }
}

/**
 * uid 0 backed by the notice log: pulls move the device's notice cursor; the notices doorbell rings NOTICE xid{0}.
 * Shaped as system-conversation.ts's SystemConversation (not imported: that file picks this one, and a cycle is refused).
 */
export function noticeConversation(services: Services, bus: Bus) {
  return {
    async pull(session: NoticeReader, key: number, limit: number): Promise<{ metas: Meta[]; nextKey: number }> {
      const { notices, more } = await services.notices.pull(session, key, limit)
      return { metas: notices.map(noticeMeta), nextKey: more ? notices.at(-1)!.id : 0 }
    },
    unreadFor: (session: NoticeReader): Promise<number> => services.notices.pendingFor(session, UNREAD_CAP),
    start: (ringer: { notice(appId: string, userIds: readonly number[]): void }): Promise<() => Promise<void>> =>
      bus.subscribe(NOTICES_CHANNEL, (text) => {
        const doorbell = JSON.parse(text) as NoticeDoorbell
        ringer.notice(doorbell.appId, doorbell.recipients)
      }),
  }
}
