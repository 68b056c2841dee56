// Group shortcuts for tests: REST calls as a given token, and a group created as a client would.
import type { FastifyInstance } from 'fastify'
import type { TestUser } from './users.ts'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** A REST call as `who` (a user, or a raw token such as the admin token); answers the parsed envelope. */
export function restAs(app: FastifyInstance) {
  return async (who: TestUser | string, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) => {
    const token = typeof who === 'string' ? who : who.token
    const response = await app.inject({ method, url, headers: { 'access-token': token, ...headers }, ...(payload ? { payload } : {}) })
    if (response.statusCode !== 200) throw new Error(`${method} ${url} answered HTTP ${response.statusCode}: ${response.body}`)
    return response.json()
  }
}

/** Creates a group owned by `owner` with the members given (each joins at once: group_confirm is off by default). */
export async function createGroup(app: FastifyInstance, owner: TestUser, body: Record<string, unknown> = {}, members: TestUser[] = []): Promise<number> {
  const r = await restAs(app)(owner, 'POST', '/group/create', { name: 'g', ...body, user_list: members.map((m) => m.userId) })
  if (r.code !== 200) throw new Error(`create group failed: ${JSON.stringify(r)}`)
  return r.data.group_id
}
