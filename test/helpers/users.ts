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
