// Which group members hear of a group change: records a group notice for the members as the change leaves them (or the admins), plus named users.
import type { Db } from '../../platform/db.ts'
import type { GroupNoticeType, NoticeLog } from '../notices/notices.types.ts'
import { memberIdsSubquery } from './groups.repository.ts'
import type { Group, ItemResult } from './groups.types.ts'

export interface GroupAudience {
  /** 'members': every member as the transaction sees them now; 'admins': the owner and the admins. */
  members?: 'members' | 'admins'
  /** Users told besides (the kicked, the applicant, the invitees …). */
  users?: number[]
}

/** Records `type` about `group` by `actorId` (null: the app admin) for `to`; `subjects` become the notice's `to`. */
export function tellGroup(
  trx: Db,
  notices: NoticeLog,
  group: Pick<Group, 'id' | 'appId'>,
  type: GroupNoticeType,
  actorId: number | null,
  to: GroupAudience,
  detail: { subjects?: number[]; content?: string } = {},
): Promise<void> {
  const query = to.members === undefined ? undefined : memberIdsSubquery(trx, group.id, to.members === 'admins' ? ['owner', 'admin'] : undefined)
  return notices.record(
    { appId: group.appId, kind: 'group', type, groupId: group.id, actorId, subjectIds: detail.subjects, content: detail.content },
    { users: to.users, query },
  )
}

/**
 * After an invitation (inviteInto's results): INVITED to those left to confirm; with `joins`, JOINED in each new
 * member's name to the members (create says CREATED instead).
 */
export async function tellInvitations(
  trx: Db,
  notices: NoticeLog,
  group: Pick<Group, 'id' | 'appId'>,
  inviterId: number | null,
  results: ItemResult[],
  joins: boolean,
): Promise<void> {
  const pending = results.filter((r) => r.result === 'success' && r.reason === 'pending').map((r) => r.id)
  if (pending.length > 0) await tellGroup(trx, notices, group, 'INVITED', inviterId, { users: pending }, { subjects: pending })
  if (!joins) return
  for (const joined of results.filter((r) => r.result === 'success' && r.reason === 'joined')) {
    await tellGroup(trx, notices, group, 'JOINED', joined.id, { members: 'members' })
  }
}
