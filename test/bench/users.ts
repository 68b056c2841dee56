// Many bench users at once, written by SQL with a user token each: argon2 for thousands of registrations would take minutes and measure nothing.
import { sql } from 'kysely'
import { newToken, tokenDigest } from '../../src/platform/tokens.ts'
import type { Fixture } from './fixture.ts'

/** Rows per INSERT: eight parameters a token row stay far below PostgreSQL's 65,535. */
const BATCH = 5000

export interface SeededUsers {
  ids: number[]
  /** Each user's access token, in the order of `ids`. */
  tokens: string[]
}

export async function seedUsers(f: Fixture, count: number, prefix: string): Promise<SeededUsers> {
  const stamp = Date.now().toString(36)
  const users = await sql<{ id: number }>`
    insert into users (app_id, username) select 'default', ${`${prefix}_${stamp}_`} || g from generate_series(1, ${count}::int) g returning id`.execute(f.db)
  const ids = users.rows.map((u) => u.id)
  const tokens = ids.map(() => newToken())
  for (let i = 0; i < ids.length; i += BATCH) {
    await f.db
      .insertInto('tokens')
      .values(
        ids.slice(i, i + BATCH).map((userId, j) => ({
          app_id: 'default',
          kind: 'user' as const,
          user_id: userId,
          device_id: null,
          digest: tokenDigest(tokens[i + j]!),
          client: '',
          expires_at: null,
          revoked_at: null,
        })),
      )
      .execute()
  }
  return { ids, tokens }
}
