// vivo push: POST /message/auth (md5 of appId + appKey + timestamp + appSecret), then /message/send with the authToken header.
import { createHash } from 'node:crypto'
import { request, settle, transient, PushStop } from './http.ts'
import { credentialKey, type TokenCache } from './token-cache.ts'
import {
  androidOptions,
  stringData,
  ttlSeconds,
  type PushNotification,
  type PushResult,
  type PushSender,
  type PushTarget,
  type VivoCredentials,
} from './types.ts'

export interface VivoOptions {
  url: string
  timeoutMs: number
  tokens: TokenCache
  now: () => number
}

const TOKEN_LIFETIME_MS = 23 * 3600_000

/** vivo `result` codes: 10000 the authToken failed, 10302 the regId is not valid, 10070/10072 quota or speed limits, 10054 server busy. */
const DEAD = new Set([10302])
const LATER = new Set([10054, 10070, 10071, 10072, 10073])

export function vivoSign(appId: string, appKey: string, timestamp: string, appSecret: string): string {
  return createHash('md5')
    .update(appId + appKey + timestamp + appSecret)
    .digest('hex')
}

/** The JSON body of a single send. */
export function vivoMessage(n: PushNotification, token: string, nowMs: number): Record<string, unknown> {
  const options = androidOptions(n, 'vivo')
  const data = stringData(n)
  const body: Record<string, unknown> = {
    regId: token,
    notifyType: 4,
    title: n.title ?? '',
    content: n.body ?? '',
    // vivo keeps an offline notification at least 60 seconds and at most 7 days.
    timeToLive: Math.min(Math.max(ttlSeconds(n, nowMs), 60), 604_800),
    skipType: options.click_action === 'intent' && options.intent !== undefined ? 4 : 1,
    networkType: -1,
    // 1 (system: instant messages) for a message notification, 0 (operations) for a task unless its vivo block says.
    classification: options.classification ?? (n.im ? 1 : 0),
    pushMode: options.push_mode ?? 0,
    // Unique per request (vivo drops a requestId it saw), the same for a retry of the same notification to the same device.
    requestId: `${n.id ?? `${nowMs}${Math.random().toString(36).slice(2, 10)}`}-${createHash('sha1').update(token).digest('hex').slice(0, 16)}`.slice(-64),
  }
  if (body.skipType === 4) body.skipContent = options.intent
  if (Object.keys(data).length > 0) body.clientCustomMap = data
  return body
}

export function createVivoSender(options: VivoOptions): PushSender<'vivo'> {
  const cacheKey = (c: VivoCredentials) => credentialKey('vivo', c.appId, c.appKey, c.appSecret)

  function authToken(credentials: VivoCredentials): Promise<string> {
    return options.tokens.get(cacheKey(credentials), async () => {
      const timestamp = String(options.now())
      const answer = await request(
        `${options.url}/message/auth`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            appId: /^\d+$/.test(credentials.appId) ? Number(credentials.appId) : credentials.appId,
            appKey: credentials.appKey,
            timestamp: Number(timestamp),
            sign: vivoSign(credentials.appId, credentials.appKey, timestamp, credentials.appSecret),
          }),
        },
        options.timeoutMs,
      )
      const failed = transient(answer)
      if (failed) throw new PushStop(failed)
      const body = answer.json as { result?: number; authToken?: string } | undefined
      if (body?.result !== 0 || !body.authToken)
        throw new PushStop({ outcome: 'bad-credentials', status: answer.status, reason: `auth ${body?.result ?? answer.status}` })
      return { value: body.authToken, expiresAt: options.now() + TOKEN_LIFETIME_MS }
    })
  }

  async function attempt(n: PushNotification, credentials: VivoCredentials, target: PushTarget, firstTry: boolean): Promise<PushResult> {
    const token = await authToken(credentials)
    const answer = await request(
      `${options.url}/message/send`,
      {
        method: 'POST',
        headers: { authToken: token, 'content-type': 'application/json' },
        body: JSON.stringify(vivoMessage(n, target.token, options.now())),
      },
      options.timeoutMs,
    )
    const later = transient(answer)
    if (later) return later
    const body = answer.json as { result?: number; taskId?: string } | undefined
    const code = body?.result
    const status = answer.status
    if (code === 0) return { outcome: 'ok', status, providerMessageId: body?.taskId }
    const reason = code !== undefined ? String(code) : `HTTP ${status}`
    if (code === 10000) {
      options.tokens.invalidate(cacheKey(credentials), token)
      return firstTry ? attempt(n, credentials, target, false) : { outcome: 'bad-credentials', status, reason }
    }
    if (code !== undefined && DEAD.has(code)) return { outcome: 'dead-token', status, reason }
    if (code !== undefined && LATER.has(code)) return { outcome: 'retry', status, reason }
    return { outcome: 'permanent', status, reason }
  }

  return { provider: 'vivo', send: (n, credentials, target) => settle(() => attempt(n, credentials, target, true)) }
}
