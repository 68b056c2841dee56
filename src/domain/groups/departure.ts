// A closed account leaves every group: a group it owns passes to its longest-standing admin, else member, else is dismissed.
import type { Db } from '../../platform/db.ts'
import { deleteMembers, findGroup, groupsOfUser, memberPage, membersByRole, updateGroupRow, updateMembers } from './groups.repository.ts'
import { deleteAdmissionsOf } from './admission.repository.ts'

/** Inside the caller's transaction; returns the groups dismissed because nobody was left to own them. */
export async function departEveryGroup(trx: Db, appId: string, userId: number): Promise<number[]> {
  const dismissed: number[] = []
  for (const { group: joined, member } of await groupsOfUser(trx, appId, userId)) {
    // Locked, as every change of ownership is.
    const group = (await findGroup(trx, appId, joined.id, true))!
    if (member.role === 'owner') {
      const successor = await longestStanding(trx, group.id, userId)
      if (successor === undefined) {
        await updateGroupRow(trx, group.id, { status: 1 })
        dismissed.push(group.id)
      } else {
        await updateMembers(trx, group.id, [successor], { role: 'owner' })
        await updateGroupRow(trx, group.id, { owner_id: successor })
      }
    }
    await deleteMembers(trx, group.id, [userId])
  }
  await deleteAdmissionsOf(trx, userId)
  return dismissed
}

/** The admin who joined first, else the member who joined first (member rows are numbered in join order). */
async function longestStanding(trx: Db, groupId: number, leaving: number): Promise<number | undefined> {
  const admins = await membersByRole(trx, groupId, ['admin'])
  if (admins.length > 0) return admins[0]!.userId
  // With no admin, the first two rows in join order hold the owner and the longest-standing member.
  return (await memberPage(trx, groupId, 0, 2)).find((m) => m.userId !== leaving)?.userId
}
