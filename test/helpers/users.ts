// Account shortcuts for tests: register and log in through the REST surface, as a client would.
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'

export const md5 = (text: string) => createHash('md5').update(text).digest('hex')

export interface TestUser {
  userId: number
  username: string
  password: string
  token: string
}

let counter = 0

export async function registerUser(app: FastifyInstance, name?: string, password = 'secret-pw'): Promise<TestUser> {
  const username = name ?? `user_${process.pid}_${++counter}`
  const registered = await app.inject({ method: 'POST', url: '/user/register/v2', payload: { username, password } })
  const settings = registered.json()
  if (settings.code !== 200) throw new Error(`register ${username} failed: ${registered.body}`)
  const login = await app.inject({ method: 'POST', url: '/token/user', payload: { name: username, password } })
  const body = login.json()
  if (body.code !== 200) throw new Error(`login ${username} failed: ${login.body}`)
  return { userId: body.data.user_id, username, password, token: body.data.token }
}

/** Makes two users friends through the REST roster (the target's default auth_mode 0 accepts at once). */
export async function befriend(app: FastifyInstance, a: TestUser, b: TestUser): Promise<void> {
  const r = await app.inject({ method: 'POST', url: '/roster/apply', headers: { 'access-token': a.token }, payload: { user_id: b.userId } })
  if (r.json().code !== 200) throw new Error(`befriending ${a.userId} and ${b.userId} failed: ${r.body}`)
}
