// The member_list comparison: the first and the last page of a 5,000-member group, which keyset paging makes cost the same.
import { randomBytes } from 'node:crypto'
import type { Fixture } from './fixture.ts'
import { httpTarget, type Target } from './target.ts'
import { insertMembers } from '../../src/domain/groups/groups.repository.ts'

export const BIG_GROUP_SIZE = 5000
export const MEMBER_PAGE = 100

export interface BigGroup {
  groupId: number
  /** The cursor that answers the last page. */
  lastCursor: string
}

/**
 * A real group owned by the fixture's user, created through the API, with `memberIds` (existing users) added in one
 * statement: messaging then asks the real groups, as in production.
 */
export async function groupOf(f: Fixture, memberIds: number[], name = 'bench group'): Promise<number> {
  const headers = { 'access-token': f.user.token, 'content-type': 'application/json' }
  const created = await fetch(`${f.appUrl}/group/create`, { method: 'POST', headers, body: JSON.stringify({ name }) }).then(
    (r) => r.json() as Promise<{ code: number; data: { group_id: number } }>,
  )
  if (created.code !== 200) throw new Error(`create group failed: ${JSON.stringify(created)}`)
  const groupId: number = created.data.group_id
  const others = memberIds.filter((id) => id !== f.user.userId)
  await f.db.transaction().execute((trx) =>
    insertMembers(
      trx,
      groupId,
      others.map((userId) => ({ userId })),
    ),
  )
  return groupId
}

/** A group of the fixture's user with 4,999 more members, written in two statements; then the cursor of its last page. */
export async function bigGroup(f: Fixture): Promise<BigGroup> {
  const headers = { 'access-token': f.user.token, 'content-type': 'application/json' }
  const tag = randomBytes(4).toString('hex')
  const users = await f.db
    .insertInto('users')
    .values(Array.from({ length: BIG_GROUP_SIZE - 1 }, (_, i) => ({ app_id: 'default', username: `bench_${tag}_${i}`, password_hash: null })))
    .returning('id')
    .execute()
  const groupId = await groupOf(
    f,
    users.map((u) => u.id),
    'bench big group',
  )

  let cursor: string | undefined
  let lastCursor = ''
  for (;;) {
    const query = new URLSearchParams({ group_id: String(groupId), limit: String(MEMBER_PAGE), ...(cursor ? { cursor } : {}) })
    const page = await fetch(`${f.appUrl}/group/member_list?${query}`, { headers }).then((r) => r.json() as Promise<{ cursor?: string }>)
    if (!page.cursor) break
    lastCursor = cursor = page.cursor
  }
  return { groupId, lastCursor }
}

export function memberPage(f: Fixture, group: BigGroup, which: 'first' | 'last'): Target {
  const query = new URLSearchParams({ group_id: String(group.groupId), limit: String(MEMBER_PAGE), ...(which === 'last' ? { cursor: group.lastCursor } : {}) })
  return httpTarget({
    url: `${f.appUrl}/group/member_list?${query}`,
    method: 'GET',
    headers: { 'access-token': f.user.token },
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.code !== 200 || json.data?.length !== MEMBER_PAGE || json.total !== BIG_GROUP_SIZE)
        throw new Error('not a full page of the big group')
      if ((which === 'last') !== (json.cursor === undefined)) throw new Error(`not the ${which} page`)
    },
  })
}
