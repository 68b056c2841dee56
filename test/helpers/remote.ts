// HTTP calls to a gateway on a real port, as a client makes them: JSON or form bodies, with a deadline so a hang fails the test.
import type { TestUser } from './users.ts'

export interface Answer {
  status: number
  headers: Headers
  /** Parsed JSON, or the text when it is not JSON; null when the request failed or timed out. */
  body: any
  /** The request never got an answer (connection refused or reset, or no answer within the deadline). */
  failed?: string
}

let counter = 0

/** One request; `form` sends application/x-www-form-urlencoded (the legacy surface), `json` a JSON body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>
    json?: unknown
    form?: Record<string, string>
    timeoutMs?: number
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(options.form).toString()
  }
  try {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    return { status: response.status, headers: response.headers, body: parsed }
  } catch (error) {
    return { status: 0, headers: new Headers(), body: null, failed: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
  }
}

/** Registers and logs in a new user through the REST surface of a running gateway. */
export async function remoteUser(baseUrl: string, password = 'secret-pw'): Promise<TestUser> {
  const username = `user_${process.pid}_r${++counter}`
  const registered = await call(baseUrl, 'POST', '/user/register/v2', { json: { username, password } })
  if (registered.body?.code !== 200) throw new Error(`register ${username} failed: ${JSON.stringify(registered)}`)
  const login = await call(baseUrl, 'POST', '/token/user', { json: { name: username, password } })
  if (login.body?.code !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(login)}`)
  return { userId: login.body.data.user_id, username, password, token: login.body.data.token }
}
