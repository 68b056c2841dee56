// One change applied to several members at once (ban, kick): each user gets a result, and only those the actor may manage change.
import type { Db } from '../../platform/db.ts'
import { findMembers } from './groups.repository.ts'
import { cannotManage, type Acting } from './groups.rules.ts'
import type { Group, ItemResult } from './groups.types.ts'

/**
 * Applies `change` to the members of `userIds` the actor may manage, and answers one result per user:
 * not a member, or a role the actor may not touch, is a failure for that user only.
 */
export async function eachMember(
  trx: Db,
  group: Group,
  acting: Acting,
  userIds: number[],
  protectAdmins: boolean,
  change: (ids: number[]) => Promise<void>,
): Promise<ItemResult[]> {
  const ids = [...new Set(userIds)]
  const members = await findMembers(trx, group.id, ids)
  const results = ids.map((id): ItemResult => {
    const member = members.get(id)
    if (!member) return { id, result: 'fail', reason: 'not a member of the group' }
    const refusal = cannotManage(acting, member.role, protectAdmins)
    return refusal ? { id, result: 'fail', reason: refusal } : { id, result: 'success', reason: '' }
  })
  await change(results.filter((r) => r.result === 'success').map((r) => r.id))
  return results
}
