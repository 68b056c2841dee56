// Web Push (RFC 8030/8291/8292): the web-push library encrypts the payload and signs VAPID; we POST it with fetch.
import type webpushModule from 'web-push'
import { lazily } from '../lazy.ts'
import { request, settle, retryAfter } from './http.ts'
import { ttlSeconds, type PushNotification, type PushResult, type PushSender, type WebPushCredentials } from './types.ts'

/** Loaded by the first Web Push send: most processes never make one. */
const webpush = lazily<typeof webpushModule>('web-push')

export interface WebPushOptions {
  timeoutMs: number
  now: () => number
}

/** The JSON the service worker receives (its `push` event's data). */
export function webPushPayload(n: PushNotification): Record<string, unknown> {
  const payload: Record<string, unknown> = { type: n.type ?? 'text' }
  if (n.title !== undefined) payload.title = n.title
  if (n.body !== undefined) payload.body = n.body
  if (n.attachment_url !== undefined) payload.image = n.attachment_url
  if (n.badge !== undefined) payload.badge = n.badge
  const tag = n.collapse_id ?? n.thread_id
  if (tag !== undefined) payload.tag = tag
  if (n.data !== undefined) payload.data = n.data
  return payload
}

interface Subscription {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

/** The browser's PushSubscription as stored for the device, or undefined when the token is not one. */
export function parseSubscription(token: string): Subscription | undefined {
  try {
    const value = JSON.parse(token) as Partial<Subscription>
    if (typeof value.endpoint !== 'string' || !/^https?:\/\//.test(value.endpoint)) return undefined
    if (typeof value.keys?.p256dh !== 'string' || typeof value.keys.auth !== 'string') return undefined
    return { endpoint: value.endpoint, keys: { p256dh: value.keys.p256dh, auth: value.keys.auth } }
  } catch {
    return undefined
  }
}

export function createWebPushSender(options: WebPushOptions): PushSender<'webpush'> {
  return {
    provider: 'webpush',
    send: (n, credentials: WebPushCredentials, target) =>
      settle(async (): Promise<PushResult> => {
        const subscription = parseSubscription(target.token)
        // A token that is no subscription can never be sent to.
        if (!subscription) return { outcome: 'dead-token', reason: 'not a push subscription' }
        // The Topic header is at most 32 URL-safe characters; a longer collapse id is left out rather than refused.
        const topic = n.collapse_id !== undefined && /^[A-Za-z0-9_-]{1,32}$/.test(n.collapse_id) ? n.collapse_id : undefined
        let details: ReturnType<typeof webpushModule.generateRequestDetails>
        try {
          details = webpush().generateRequestDetails(subscription, JSON.stringify(webPushPayload(n)), {
            vapidDetails: { subject: credentials.subject, publicKey: credentials.publicKey, privateKey: credentials.privateKey },
            TTL: ttlSeconds(n, options.now()),
            urgency: 'high',
            topic,
          })
        } catch (error) {
          // The library refuses bad VAPID keys or subject, and subscription keys that are not on the curve.
          const message = (error as Error).message ?? ''
          return /vapid|subject/i.test(message)
            ? { outcome: 'bad-credentials', reason: 'VAPID details refused' }
            : { outcome: 'dead-token', reason: 'subscription keys refused' }
        }
        const answer = await request(details.endpoint, { method: details.method, headers: details.headers, body: details.body ?? undefined }, options.timeoutMs)
        const status = answer.status
        if (status >= 200 && status < 300) return { outcome: 'ok', status, providerMessageId: answer.headers.get('location') ?? undefined }
        if (status === 404 || status === 410) return { outcome: 'dead-token', status, reason: `HTTP ${status}` }
        if (status === 429 || status >= 500)
          return { outcome: 'retry', status, reason: `HTTP ${status}`, retryAfterSeconds: retryAfter(answer.headers.get('retry-after')) }
        if (status === 401 || status === 403) return { outcome: 'bad-credentials', status, reason: `HTTP ${status}` }
        return { outcome: 'permanent', status, reason: `HTTP ${status}` }
      }),
  }
}
