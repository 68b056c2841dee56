// Friend shortcuts for tests: a REST client bound to one token, and account settings the REST surface does not set yet.
import { normalizeMobile } from '../../src/domain/accounts/mobile.ts'
import type { TestApp } from './app.ts'

export interface Call {
  query?: Record<string, string | number | boolean>
  body?: unknown
  headers?: Record<string, string>
}

/** Calls REST operations with `token` and answers the parsed envelope. */
export function restClient(app: TestApp, token?: string) {
  return async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, call: Call = {}) => {
    const query = call.query ? `?${new URLSearchParams(Object.entries(call.query).map(([k, v]): [string, string] => [k, String(v)]))}` : ''
    const response = await app.inject({
      method,
      url: `${url}${query}`,
      headers: { ...(token ? { 'access-token': token } : {}), ...call.headers },
      ...(call.body !== undefined ? { payload: call.body as object } : {}),
    })
    return response.json()
  }
}

/** The user's verification mode (semantics §5), written where /user/authmode will write it. */
export async function setAuthMode(app: TestApp, userId: number, mode: number, question = '', answer = ''): Promise<void> {
  await app.testDatabase.database.db
    .updateTable('user_settings')
    .set({ auth_mode: mode, auth_question: question, auth_answer: answer })
    .where('user_id', '=', userId)
    .execute()
}

/** Profile fields written straight to the database (a mobile in the E.164 form the service stores). */
export async function setProfile(
  app: TestApp,
  userId: number,
  profile: { mobile?: string; public_info?: string; private_info?: string; nick_name?: string },
): Promise<void> {
  const values = profile.mobile === undefined ? profile : { ...profile, mobile: normalizeMobile(profile.mobile) }
  await app.testDatabase.database.db.updateTable('users').set(values).where('id', '=', userId).execute()
}
