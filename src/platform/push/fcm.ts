// FCM HTTP v1: POST /v1/projects/{project}/messages:send with an OAuth2 token from a service-account JWT (RS256) assertion.
import { createPrivateKey } from 'node:crypto'
import { signJwt } from './jwt.ts'
import { oauthToken, request, retryAfter, settle, PushStop } from './http.ts'
import { credentialKey, type TokenCache } from './token-cache.ts'
import {
  androidOptions,
  stringData,
  ttlSeconds,
  type FcmCredentials,
  type PushNotification,
  type PushResult,
  type PushSender,
  type PushTarget,
} from './types.ts'

export interface FcmOptions {
  url: string
  /** Overrides the service account's token_uri. */
  tokenUrl?: string
  timeoutMs: number
  tokens: TokenCache
  now: () => number
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging'
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'

/** The `message` of a v1 send request for an Android device. */
export function fcmMessage(n: PushNotification, token: string, nowMs: number): Record<string, unknown> {
  const options = androidOptions(n, 'fcm')
  const silent = n.type === 'cmd'
  const message: Record<string, unknown> = { token }
  const data = stringData(n)
  if (Object.keys(data).length > 0) message.data = data
  const android: Record<string, unknown> = { priority: 'high', ttl: `${ttlSeconds(n, nowMs)}s` }
  // No collapse_key from the collapse id: FCM keeps at most four collapse keys per device while it is offline, so
  // an offline phone would lose messages. The notification's tag (below) replaces a repeated one on the device.
  if (!silent) {
    const notification: Record<string, unknown> = {}
    if (n.title !== undefined) notification.title = n.title
    if (n.body !== undefined) notification.body = n.body
    if (n.attachment_url !== undefined) notification.image = n.attachment_url
    if (Object.keys(notification).length > 0) message.notification = notification
    const extra: Record<string, unknown> = {}
    if (options.sound !== undefined) extra.sound = options.sound
    if (options.channel_id !== undefined) extra.channel_id = options.channel_id
    if (options.click_action === 'intent' && options.intent !== undefined) extra.click_action = options.intent
    if (n.badge !== undefined) extra.notification_count = n.badge
    const tag = n.collapse_id ?? n.thread_id
    if (tag !== undefined) extra.tag = tag
    if (Object.keys(extra).length > 0) android.notification = extra
  }
  message.android = android
  return message
}

interface GoogleError {
  error?: { code?: number; status?: string; message?: string; details?: Array<{ '@type'?: string; errorCode?: string }> }
}

export function createFcmSender(options: FcmOptions): PushSender<'fcm'> {
  const cacheKey = (c: FcmCredentials) => credentialKey('fcm', c.clientEmail, c.privateKey)

  function accessToken(credentials: FcmCredentials): Promise<string> {
    return options.tokens.get(cacheKey(credentials), async () => {
      let privateKey
      try {
        privateKey = createPrivateKey(credentials.privateKey)
      } catch {
        throw new PushStop({ outcome: 'bad-credentials', reason: 'the service account key is not a PEM private key' })
      }
      const tokenUri = options.tokenUrl ?? credentials.tokenUri ?? DEFAULT_TOKEN_URI
      const iat = Math.floor(options.now() / 1000)
      const assertion = signJwt('RS256', privateKey, { iss: credentials.clientEmail, scope: SCOPE, aud: tokenUri, iat, exp: iat + 3600 })
      return oauthToken(tokenUri, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }, options.timeoutMs, options.now)
    })
  }

  async function attempt(n: PushNotification, credentials: FcmCredentials, target: PushTarget, firstTry: boolean): Promise<PushResult> {
    const token = await accessToken(credentials)
    const answer = await request(
      `${options.url}/v1/projects/${encodeURIComponent(credentials.projectId)}/messages:send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ message: fcmMessage(n, target.token, options.now()) }),
      },
      options.timeoutMs,
    )
    const status = answer.status
    if (status === 200) return { outcome: 'ok', status, providerMessageId: (answer.json as { name?: string } | undefined)?.name }
    const error = (answer.json as GoogleError | undefined)?.error
    const code = error?.details?.find((d) => d['@type']?.endsWith('FcmError'))?.errorCode ?? error?.status
    const reason = code ?? `HTTP ${status}`
    if (code === 'UNREGISTERED' || status === 404) return { outcome: 'dead-token', status, reason }
    // The token belongs to another Firebase project: it can never be used with these credentials.
    if (code === 'SENDER_ID_MISMATCH') return { outcome: 'dead-token', status, reason }
    if (status === 401) {
      options.tokens.invalidate(cacheKey(credentials), token)
      return firstTry ? attempt(n, credentials, target, false) : { outcome: 'bad-credentials', status, reason }
    }
    if (status === 429 || status >= 500 || code === 'QUOTA_EXCEEDED' || code === 'UNAVAILABLE' || code === 'INTERNAL') {
      return { outcome: 'retry', status, reason, retryAfterSeconds: retryAfter(answer.headers.get('retry-after')) }
    }
    if (status === 403 || code === 'THIRD_PARTY_AUTH_ERROR' || code === 'PERMISSION_DENIED') return { outcome: 'bad-credentials', status, reason }
    return { outcome: 'permanent', status, reason }
  }

  return { provider: 'fcm', send: (n, credentials, target) => settle(() => attempt(n, credentials, target, true)) }
}

/** FcmCredentials from the JSON key file Google gives for a service account. */
export function fcmCredentialsFromServiceAccount(json: string): FcmCredentials | undefined {
  try {
    const key = JSON.parse(json) as { project_id?: unknown; client_email?: unknown; private_key?: unknown; token_uri?: unknown }
    if (typeof key.project_id !== 'string' || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') return undefined
    return {
      projectId: key.project_id,
      clientEmail: key.client_email,
      privateKey: key.private_key,
      tokenUri: typeof key.token_uri === 'string' ? key.token_uri : undefined,
    }
  } catch {
    return undefined
  }
}
