// Meizu (Flyme) push: a signed form POST to /garcia/api/server/push/varnished/pushByPushId (md5 of the sorted k=v pairs + AppSecret).
import { createHash } from 'node:crypto'
import { form, request, settle, transient } from './http.ts'
import { androidOptions, stringData, ttlSeconds, type MeizuCredentials, type PushNotification, type PushResult, type PushSender } from './types.ts'

export interface MeizuOptions {
  url: string
  timeoutMs: number
  now: () => number
}

/** md5 over `k=v` of every parameter sorted by name, then the AppSecret. */
export function meizuSign(params: Record<string, string>, appSecret: string): string {
  const text =
    Object.keys(params)
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('') + appSecret
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** The messageJson of a notification-bar (varnished) push. */
export function meizuMessage(n: PushNotification, nowMs: number): Record<string, unknown> {
  const options = androidOptions(n, 'flyme')
  const data = stringData(n)
  const clickTypeInfo: Record<string, unknown> =
    options.click_action === 'intent' && options.intent !== undefined ? { clickType: 3, customAttribute: options.intent } : { clickType: 0 }
  if (Object.keys(data).length > 0) clickTypeInfo.parameters = data
  const message: Record<string, unknown> = {
    noticeBarInfo: { noticeBarType: 0, title: n.title ?? '', content: n.body ?? '' },
    clickTypeInfo,
    pushTimeInfo: { offLine: 1, validTime: Math.min(Math.max(Math.ceil(ttlSeconds(n, nowMs) / 3600), 1), 72) },
    advanceInfo: { suspend: 1, clearNoticeBar: 1, notificationType: { vibrate: 1, lights: 1, sound: 1 } },
  }
  if (n.big_text !== undefined) message.noticeExpandInfo = { noticeExpandType: 1, noticeExpandContent: n.big_text }
  if (n.collapse_id !== undefined) (message.advanceInfo as Record<string, unknown>).notifyKey = n.collapse_id
  return message
}

/** Top-level codes: 1001 system error, 1003 busy, 110010 rate; 1006 bad sign, 110000/110001 bad app; 110002/110003 bad pushId. */
const LATER = new Set(['1001', '1003', '110010'])
const CREDENTIALS = new Set(['1006', '110000', '110001'])
const DEAD = new Set(['110002', '110003'])

/** Whether the answer's `value` names the push id as invalid, in either shape it comes in ({code: [ids]} or {id: code}). */
function namesDead(value: unknown, token: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (DEAD.has(key) && Array.isArray(entry) && entry.includes(token)) return key
    if (key === token && DEAD.has(String(entry))) return String(entry)
  }
  return undefined
}

export function createMeizuSender(options: MeizuOptions): PushSender<'meizu'> {
  return {
    provider: 'meizu',
    send: (n, credentials: MeizuCredentials, target) =>
      settle(async (): Promise<PushResult> => {
        const params = { appId: credentials.appId, pushIds: target.token, messageJson: JSON.stringify(meizuMessage(n, options.now())) }
        const answer = await request(
          `${options.url}/garcia/api/server/push/varnished/pushByPushId`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
            body: form({ ...params, sign: meizuSign(params, credentials.appSecret) }),
          },
          options.timeoutMs,
        )
        const later = transient(answer)
        if (later) return later
        const body = answer.json as { code?: string | number; value?: unknown; msgId?: string } | undefined
        const code = body?.code !== undefined ? String(body.code) : undefined
        const status = answer.status
        if (code === '200') {
          const dead = namesDead(body?.value, target.token)
          return dead ? { outcome: 'dead-token', status, reason: dead } : { outcome: 'ok', status }
        }
        const reason = code ?? `HTTP ${status}`
        if (code !== undefined && DEAD.has(code)) return { outcome: 'dead-token', status, reason }
        if (code !== undefined && CREDENTIALS.has(code)) return { outcome: 'bad-credentials', status, reason }
        if (code !== undefined && LATER.has(code)) return { outcome: 'retry', status, reason }
        return { outcome: 'permanent', status, reason }
      }),
  }
}
