// Message shortcuts for tests: send, read history and unread through the REST surface, as a client would.
import type { FastifyInstance } from 'fastify'

export async function send(app: FastifyInstance, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/message/send',
    headers: { 'access-token': token, ...headers },
    payload: { type: 1, content_type: 0, ...body },
  })
  return response.json()
}

/** Sends a text and returns its msg_id; throws when the send is refused. */
export async function sendText(app: FastifyInstance, token: string, to: number, content: string, type: 1 | 2 = 1): Promise<number> {
  const body = await send(app, token, { type, targets: [to], content })
  if (body.code !== 200) throw new Error(`send failed: ${JSON.stringify(body)}`)
  return body.msg_ids[0]
}

export function queryString(query: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()
}

export async function history(app: FastifyInstance, token: string, query: Record<string, string | number>) {
  return (await app.inject({ method: 'GET', url: `/message/conversation?${queryString(query)}`, headers: { 'access-token': token } })).json()
}

export async function unread(app: FastifyInstance, token: string) {
  return (await app.inject({ method: 'GET', url: '/message/unread', headers: { 'access-token': token } })).json()
}

export async function ack(app: FastifyInstance, token: string, query: Record<string, string | number>) {
  return (await app.inject({ method: 'GET', url: `/message/ack?${queryString(query)}`, headers: { 'access-token': token } })).json()
}
