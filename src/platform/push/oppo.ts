// OPPO push: POST /server/v1/auth (sha256 of app_key + timestamp + master_secret), then /server/v1/message/notification/unicast.
import { createHash } from 'node:crypto'
import { form, request, settle, transient, PushStop } from './http.ts'
import { credentialKey, type TokenCache } from './token-cache.ts'
import {
  androidOptions,
  stringData,
  ttlSeconds,
  type OppoCredentials,
  type PushNotification,
  type PushResult,
  type PushSender,
  type PushTarget,
} from './types.ts'

export interface OppoOptions {
  url: string
  timeoutMs: number
  tokens: TokenCache
  now: () => number
}

/** An auth_token lives 24 hours; take a new one after 23. */
const TOKEN_LIFETIME_MS = 23 * 3600_000

/** OPPO answer codes: -1 busy, -2 flow control, 11 invalid auth_token, 13 call limit, 33 daily quota, 14/15/16/17 refuse the app, 10000 invalid registration id. */
const LATER = new Set([-1, -2, 13, 33])
const CREDENTIALS = new Set([14, 15, 16, 17])
const DEAD = new Set([10000])

export function oppoSign(appKey: string, timestamp: string, masterSecret: string): string {
  return createHash('sha256')
    .update(appKey + timestamp + masterSecret)
    .digest('hex')
}

/** The `message` JSON of a unicast notification. */
export function oppoMessage(n: PushNotification, token: string, nowMs: number): Record<string, unknown> {
  const options = androidOptions(n, 'oppo')
  const data = stringData(n)
  const notification: Record<string, unknown> = {
    title: n.title ?? '',
    content: n.body ?? '',
    off_line: true,
    off_line_ttl: Math.min(ttlSeconds(n, nowMs), 864_000),
  }
  if (n.id !== undefined) notification.app_message_id = n.id
  if (options.channel_id !== undefined) notification.channel_id = options.channel_id
  if (options.click_action === 'intent' && options.intent !== undefined) {
    notification.click_action_type = 5
    notification.click_action_url = options.intent
  } else {
    notification.click_action_type = 0
  }
  if (Object.keys(data).length > 0) notification.action_parameters = JSON.stringify(data)
  if (n.big_text !== undefined) {
    notification.style = 2
    notification.content = n.big_text
  }
  if (n.show_begin_time !== undefined || n.show_end_time !== undefined) {
    notification.show_time_type = 1
    if (n.show_begin_time !== undefined) notification.show_start_time = n.show_begin_time * 1000
    if (n.show_end_time !== undefined) notification.show_end_time = n.show_end_time * 1000
  }
  return { target_type: 2, target_value: token, notification }
}

export function createOppoSender(options: OppoOptions): PushSender<'oppo'> {
  const cacheKey = (c: OppoCredentials) => credentialKey('oppo', c.appKey, c.masterSecret)

  function authToken(credentials: OppoCredentials): Promise<string> {
    return options.tokens.get(cacheKey(credentials), async () => {
      const timestamp = String(options.now())
      const answer = await request(
        `${options.url}/server/v1/auth`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ app_key: credentials.appKey, sign: oppoSign(credentials.appKey, timestamp, credentials.masterSecret), timestamp }),
        },
        options.timeoutMs,
      )
      const failed = transient(answer)
      if (failed) throw new PushStop(failed)
      const body = answer.json as { code?: number; data?: { auth_token?: string } } | undefined
      if (body?.code !== undefined && LATER.has(body.code)) throw new PushStop({ outcome: 'retry', status: answer.status, reason: `auth ${body.code}` })
      if (body?.code !== 0 || !body.data?.auth_token)
        throw new PushStop({ outcome: 'bad-credentials', status: answer.status, reason: `auth ${body?.code ?? answer.status}` })
      return { value: body.data.auth_token, expiresAt: options.now() + TOKEN_LIFETIME_MS }
    })
  }

  async function attempt(n: PushNotification, credentials: OppoCredentials, target: PushTarget, firstTry: boolean): Promise<PushResult> {
    const token = await authToken(credentials)
    const answer = await request(
      `${options.url}/server/v1/message/notification/unicast`,
      {
        method: 'POST',
        headers: { auth_token: token, 'content-type': 'application/x-www-form-urlencoded' },
        // auth_token is a parameter of the request in OPPO's API table; its Java SDK sends it as a header too.
        body: form({ auth_token: token, message: JSON.stringify(oppoMessage(n, target.token, options.now())) }),
      },
      options.timeoutMs,
    )
    const later = transient(answer)
    if (later) return later
    const body = answer.json as { code?: number; message?: string; data?: { messageId?: string; message_id?: string } } | undefined
    const code = body?.code
    const status = answer.status
    if (code === 0) return { outcome: 'ok', status, providerMessageId: body?.data?.messageId ?? body?.data?.message_id }
    const reason = code !== undefined ? String(code) : `HTTP ${status}`
    if (code === 11) {
      options.tokens.invalidate(cacheKey(credentials), token)
      return firstTry ? attempt(n, credentials, target, false) : { outcome: 'bad-credentials', status, reason }
    }
    if (code !== undefined && DEAD.has(code)) return { outcome: 'dead-token', status, reason }
    if (code !== undefined && CREDENTIALS.has(code)) return { outcome: 'bad-credentials', status, reason }
    if (code !== undefined && LATER.has(code)) return { outcome: 'retry', status, reason }
    return { outcome: 'permanent', status, reason }
  }

  return { provider: 'oppo', send: (n, credentials, target) => settle(() => attempt(n, credentials, target, true)) }
}
