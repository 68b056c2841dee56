// Huawei Push Kit: an OAuth 2.0 client-credentials token, then POST /v1/{appId}/messages:send.
import { oauthToken, request, settle, transient } from './http.ts'
import { credentialKey, type TokenCache } from './token-cache.ts'
import {
  androidOptions,
  stringData,
  ttlSeconds,
  type HuaweiCredentials,
  type PushNotification,
  type PushResult,
  type PushSender,
  type PushTarget,
} from './types.ts'

export interface HuaweiOptions {
  url: string
  authUrl: string
  timeoutMs: number
  tokens: TokenCache
  now: () => number
}

/** Push Kit result codes (the `code` of the answer) and what they mean for us. */
const DEAD = new Set(['80300007']) // all tokens invalid
const STALE_TOKEN = new Set(['80200001', '80200003']) // OAuth authentication failed / token expired
const CREDENTIALS = new Set(['80300002', '80600003']) // no permission to send / the app is not authorised
const LATER = new Set(['81000001']) // internal error

/** The `message` of a Push Kit send request. */
export function huaweiMessage(n: PushNotification, token: string, nowMs: number): Record<string, unknown> {
  const options = androidOptions(n, 'huawei')
  const android: Record<string, unknown> = { urgency: 'HIGH', ttl: `${ttlSeconds(n, nowMs)}s` }
  if (n.collapse_id !== undefined) android.bi_tag = n.collapse_id
  const message: Record<string, unknown> = { token: [token], android }
  const data = stringData(n)
  if (n.type === 'cmd') {
    message.data = JSON.stringify(data)
    return message
  }
  const notification: Record<string, unknown> = {
    click_action: options.click_action === 'intent' && options.intent !== undefined ? { type: 1, intent: options.intent } : { type: 3 },
  }
  if (n.title !== undefined) notification.title = n.title
  if (n.body !== undefined) notification.body = n.body
  if (n.attachment_url !== undefined) notification.image = n.attachment_url
  if (n.big_text !== undefined && n.body !== undefined) {
    notification.style = 1
    notification.big_title = n.title ?? ''
    notification.big_body = n.big_text
  }
  if (options.sound !== undefined) notification.sound = options.sound
  else notification.default_sound = true
  if (options.channel_id !== undefined) notification.channel_id = options.channel_id
  const tag = n.collapse_id ?? n.thread_id
  if (tag !== undefined) notification.tag = tag
  if (n.badge !== undefined && options.badge_class !== undefined) notification.badge = { class: options.badge_class, set_num: n.badge }
  if (n.show_begin_time !== undefined) notification.when = new Date(n.show_begin_time * 1000).toISOString()
  android.notification = notification
  if (Object.keys(data).length > 0) message.data = JSON.stringify(data)
  return message
}

export function createHuaweiSender(options: HuaweiOptions): PushSender<'huawei'> {
  const cacheKey = (c: HuaweiCredentials) => credentialKey('huawei', c.appId, c.appSecret)

  function accessToken(credentials: HuaweiCredentials): Promise<string> {
    return options.tokens.get(cacheKey(credentials), () =>
      oauthToken(
        `${options.authUrl}/oauth2/v3/token`,
        {
          grant_type: 'client_credentials',
          client_id: credentials.appId,
          client_secret: credentials.appSecret,
        },
        options.timeoutMs,
        options.now,
      ),
    )
  }

  async function attempt(n: PushNotification, credentials: HuaweiCredentials, target: PushTarget, firstTry: boolean): Promise<PushResult> {
    const token = await accessToken(credentials)
    const answer = await request(
      `${options.url}/v1/${encodeURIComponent(credentials.appId)}/messages:send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ validate_only: false, message: huaweiMessage(n, target.token, options.now()) }),
      },
      options.timeoutMs,
    )
    const body = answer.json as { code?: string; msg?: string; requestId?: string } | undefined
    const code = body?.code
    const status = answer.status
    if (code === '80000000') return { outcome: 'ok', status, providerMessageId: body?.requestId }
    // Partial success: with one token sent, the illegal one is ours.
    if (code === '80100000' || (code !== undefined && DEAD.has(code))) return { outcome: 'dead-token', status, reason: code }
    if (status === 401 || (code !== undefined && STALE_TOKEN.has(code))) {
      options.tokens.invalidate(cacheKey(credentials), token)
      return firstTry ? attempt(n, credentials, target, false) : { outcome: 'bad-credentials', status, reason: code ?? `HTTP ${status}` }
    }
    if (code !== undefined && CREDENTIALS.has(code)) return { outcome: 'bad-credentials', status, reason: code }
    const later = transient(answer, code)
    if (later) return later
    if (code !== undefined && LATER.has(code)) return { outcome: 'retry', status, reason: code }
    return { outcome: 'permanent', status, reason: code ?? `HTTP ${status}` }
  }

  return { provider: 'huawei', send: (n, credentials, target) => settle(() => attempt(n, credentials, target, true)) }
}
