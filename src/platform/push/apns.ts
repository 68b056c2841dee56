// APNs: HTTP/2 to /3/device/<token> with token authentication (an ES256 JWT from the team's .p8 key, reused for 50 minutes).
import { connect, constants, type ClientHttp2Session } from 'node:http2'
import { createPrivateKey, randomUUID } from 'node:crypto'
import { signJwt } from './jwt.ts'
import { retryAfter, settle, PushStop } from './http.ts'
import { credentialKey, type TokenCache } from './token-cache.ts'
import type { ApnsCredentials, PushNotification, PushResult, PushSender, PushTarget } from './types.ts'

export interface ApnsOptions {
  productionUrl: string
  sandboxUrl: string
  timeoutMs: number
  tokens: TokenCache
  now: () => number
  /** Extra CA certificates to trust (PEM), e.g. a local test server's. */
  ca?: string | string[]
}

/** Apple asks for a new provider token at most every 20 minutes and refuses one older than an hour. */
const JWT_LIFETIME_MS = 50 * 60_000

/** How long APNs stores a notification for an unreachable device when the notification names no end. */
const DEFAULT_EXPIRY_SECONDS = 86_400

/** Reasons that mean the token will never work again for this app. */
const DEAD_REASONS = new Set(['BadDeviceToken', 'Unregistered', 'ExpiredToken', 'DeviceTokenNotForTopic'])
/** 403 reasons that are about the provider token or the key, not the device. */
const STALE_JWT_REASONS = new Set(['ExpiredProviderToken'])

/** The JSON payload APNs receives: `aps` plus the custom data beside it. */
export function apnsPayload(n: PushNotification): Record<string, unknown> {
  const ios = n.ios ?? {}
  const aps: Record<string, unknown> = {}
  const silent = n.type === 'cmd'
  if (!silent) {
    const alert: Record<string, string> = {}
    if (n.title !== undefined) alert.title = n.title
    if (ios.subtitle !== undefined) alert.subtitle = ios.subtitle
    if (n.body !== undefined) alert.body = n.body
    if (Object.keys(alert).length > 0) aps.alert = alert
    const sound = ios.sound ?? n.sound
    if (sound !== undefined) aps.sound = sound
  }
  if (n.badge !== undefined) aps.badge = n.badge
  const thread = ios.thread_id ?? n.thread_id
  if (thread !== undefined) aps['thread-id'] = thread
  if (ios.category !== undefined) aps.category = ios.category
  if (ios.mutable_content || (n.attachment_url !== undefined && !silent)) aps['mutable-content'] = 1
  if (ios.content_available || silent) aps['content-available'] = 1
  const payload: Record<string, unknown> = { ...(n.data ?? {}) }
  if (n.attachment_url !== undefined) payload.attachment_url = n.attachment_url
  payload.aps = aps
  return payload
}

export function createApnsSender(options: ApnsOptions): PushSender<'apns'> & { close(): void } {
  const sessions = new Map<string, ClientHttp2Session>()
  const inFlight = new WeakMap<ClientHttp2Session, number>()

  function session(origin: string): ClientHttp2Session {
    const existing = sessions.get(origin)
    if (existing && !existing.closed && !existing.destroyed) return existing
    const created = connect(origin, options.ca ? { ca: options.ca } : {})
    const forget = () => {
      if (sessions.get(origin) === created) sessions.delete(origin)
    }
    created.on('error', forget)
    created.on('goaway', forget)
    created.on('close', forget)
    // An idle connection must not keep the process alive; a request in flight keeps it referenced.
    created.unref()
    sessions.set(origin, created)
    return created
  }

  function providerToken(credentials: ApnsCredentials): Promise<string> {
    const key = credentialKey('apns', credentials.teamId, credentials.keyId, credentials.privateKey)
    return options.tokens.get(key, async () => {
      let privateKey
      try {
        privateKey = createPrivateKey(credentials.privateKey)
      } catch {
        throw new PushStop({ outcome: 'bad-credentials', reason: 'the APNs signing key is not a PEM private key' })
      }
      const issuedAt = options.now()
      const value = signJwt('ES256', privateKey, { iss: credentials.teamId, iat: Math.floor(issuedAt / 1000) }, { kid: credentials.keyId })
      return { value, expiresAt: issuedAt + JWT_LIFETIME_MS }
    })
  }

  function post(origin: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const client = session(origin)
      inFlight.set(client, (inFlight.get(client) ?? 0) + 1)
      client.ref()
      const stream = client.request({ [constants.HTTP2_HEADER_METHOD]: 'POST', ...headers })
      let responseHeaders: Record<string, unknown> = {}
      let text = ''
      let finished = false
      const done = () => {
        if (finished) return
        finished = true
        const left = (inFlight.get(client) ?? 1) - 1
        inFlight.set(client, left)
        if (left === 0) client.unref()
      }
      stream.setTimeout(options.timeoutMs, () => stream.close(constants.NGHTTP2_CANCEL))
      stream.setEncoding('utf8')
      stream.on('response', (h) => {
        responseHeaders = h
      })
      stream.on('data', (chunk: string) => {
        text += chunk
      })
      stream.on('end', () => {
        done()
        resolve({ status: Number(responseHeaders[':status'] ?? 0), headers: responseHeaders, body: text })
      })
      stream.on('error', (error: Error) => {
        done()
        reject(error)
      })
      stream.on('close', () => {
        done()
        if (!responseHeaders[':status']) reject(Object.assign(new Error('APNs stream closed without an answer'), { code: 'ETIMEDOUT' }))
      })
      stream.end(body)
    })
  }

  async function attempt(n: PushNotification, credentials: ApnsCredentials, target: PushTarget, firstTry: boolean): Promise<PushResult> {
    const jwt = await providerToken(credentials)
    const silent = n.type === 'cmd'
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(target.token)}`,
      authorization: `bearer ${jwt}`,
      'apns-topic': credentials.topic,
      'apns-push-type': silent ? 'background' : 'alert',
      // Background pushes must go at priority 5; alerts go at once.
      'apns-priority': silent ? '5' : '10',
      // Without an end time APNs keeps the notification a day for a device that is off, as the other providers do; 0 would mean "now or never".
      'apns-expiration': String(n.show_end_time ?? Math.floor(options.now() / 1000) + DEFAULT_EXPIRY_SECONDS),
    }
    if (n.id !== undefined) headers['apns-id'] = uuidOf(n.id)
    const collapse = n.ios?.apns_collapse_id ?? n.collapse_id
    if (collapse !== undefined) headers['apns-collapse-id'] = collapse
    const origin = credentials.environment === 'development' ? options.sandboxUrl : options.productionUrl
    const answer = await post(origin, headers, JSON.stringify(apnsPayload(n)))
    let reason: string | undefined
    try {
      reason = (JSON.parse(answer.body) as { reason?: string }).reason
    } catch {
      reason = undefined
    }
    const status = answer.status
    const apnsId = typeof answer.headers['apns-id'] === 'string' ? answer.headers['apns-id'] : undefined
    if (status === 200) return { outcome: 'ok', status, providerMessageId: apnsId }
    if (status === 410 || (reason !== undefined && DEAD_REASONS.has(reason))) return { outcome: 'dead-token', status, reason }
    if (status === 429 || status >= 500) {
      return { outcome: 'retry', status, reason, retryAfterSeconds: retryAfter(answer.headers['retry-after'] as string | undefined) }
    }
    if (status === 403) {
      options.tokens.invalidate(credentialKey('apns', credentials.teamId, credentials.keyId, credentials.privateKey), jwt)
      if (reason !== undefined && STALE_JWT_REASONS.has(reason)) {
        return firstTry ? attempt(n, credentials, target, false) : { outcome: 'retry', status, reason }
      }
      return { outcome: 'bad-credentials', status, reason }
    }
    if (reason === 'TopicDisallowed' || reason === 'BadTopic' || reason === 'MissingTopic') return { outcome: 'bad-credentials', status, reason }
    return { outcome: 'permanent', status, reason }
  }

  return {
    provider: 'apns',
    send: (n, credentials, target) => settle(() => attempt(n, credentials, target, true)),
    close() {
      for (const s of sessions.values()) s.close()
      sessions.clear()
    },
  }
}

/** apns-id must be a UUID: ours when it is one, else one derived from nothing (a fresh one). */
function uuidOf(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : randomUUID()
}
