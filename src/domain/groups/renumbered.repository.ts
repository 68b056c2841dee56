// Groups that migration 0010 moved to a new id (users and groups share one id space): old id → new id.
import type { Db } from '../../platform/db.ts'

/** The id a group has now that had `id` before 0010, or `id` itself when the group never moved. */
export async function currentGroupId(db: Db, appId: string, id: number): Promise<number> {
  const moved = await db.selectFrom('groups_renumbered').select('new_id').where('old_id', '=', id).where('app_id', '=', appId).executeTakeFirst()
  return moved?.new_id ?? id
}
