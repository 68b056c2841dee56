// Baselines: GET /user/profile's two queries, and a raw single-row INSERT of a message, each in a plain Fastify route on the same Kysely.
import Fastify, { type FastifyInstance } from 'fastify'
import type { Db } from '../../src/platform/db.ts'
import { tokenDigest } from '../../src/platform/tokens.ts'
import { findLiveToken } from '../../src/domain/accounts/tokens.repository.ts'
import { findUserById } from '../../src/domain/accounts/accounts.repository.ts'

export const BARE_PROFILE_PATH = '/bare/profile'
export const BARE_INSERT_PATH = '/bare/message'

/**
 * The repository functions themselves are called, so the SQL stays the app's SQL when they change.
 * No schema, envelope, hooks, plugins or logger: the gap to our route is what all of those cost.
 * The token is still read from its header and hashed, because that is the query's parameter.
 * `insertInto` is the conversation the raw INSERT writes to (numbered by a counter here).
 */
export function bareServer(db: Db, insertInto: () => number): FastifyInstance {
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
  let seq = 0
  // The same payload as /message/send, one INSERT, nothing else: no dedup, no sequence row, no doorbell.
  bare.post(BARE_INSERT_PATH, async (request, reply) => {
    const token = request.headers['access-token']
    const row = typeof token === 'string' ? await findLiveToken(db, tokenDigest(token)) : undefined
    if (!row || row.user_id === null) return reply.status(401).send({ error: 'no such token' })
    const body = request.body as { targets: number[]; content_type: number; content: string }
    const inserted = await db
      .insertInto('messages')
      .values({
        conversation_id: insertInto(),
        seq: ++seq,
        sender_id: row.user_id,
        target_id: body.targets[0]!,
        content_type: body.content_type,
        content: body.content,
        related_mid: null,
        sent_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return reply.send({ id: inserted.id })
  })
  return bare
}
