// The baseline of GET /user/profile: a plain Fastify route issuing the same two queries on the same Kysely, and nothing else.
import Fastify, { type FastifyInstance } from 'fastify'
import type { Db } from '../../src/platform/db.ts'
import { tokenDigest } from '../../src/platform/tokens.ts'
import { findLiveToken } from '../../src/domain/accounts/tokens.repository.ts'
import { findUserById } from '../../src/domain/accounts/accounts.repository.ts'

export const BARE_PROFILE_PATH = '/bare/profile'

/**
 * The repository functions themselves are called, so the SQL stays the app's SQL when they change.
 * No schema, envelope, hooks, plugins or logger: the gap to our route is what all of those cost.
 * The token is still read from its header and hashed, because that is the query's parameter.
 */
export function bareServer(db: Db): FastifyInstance {
  const bare = Fastify({ logger: false })
  bare.get(BARE_PROFILE_PATH, async (request, reply) => {
    const token = request.headers['access-token']
    const row = typeof token === 'string' ? await findLiveToken(db, tokenDigest(token)) : undefined
    // Answer a failure with a non-2xx so the load run counts it, not with a fast empty 200.
    if (!row || row.user_id === null) return reply.status(401).send({ error: 'no such token' })
    const user = await findUserById(db, row.app_id, row.user_id)
    if (!user) return reply.status(404).send({ error: 'no such user' })
    return reply.send(user)
  })
  return bare
}
