// Xiaomi push: POST /v3/message/regid with `Authorization: key=<AppSecret>` and the message as form fields.
import { createHash } from 'node:crypto'
import { form, request, settle, transient } from './http.ts'
import { androidOptions, stringData, ttlSeconds, type PushNotification, type PushResult, type PushSender, type XiaomiCredentials } from './types.ts'

export interface XiaomiOptions {
  url: string
  timeoutMs: number
  now: () => number
}

/** The form fields of a regid send. */
export function xiaomiFields(n: PushNotification, credentials: XiaomiCredentials, token: string, nowMs: number): Record<string, string | number | undefined> {
  const options = androidOptions(n, 'xiaomi')
  const data = stringData(n)
  const fields: Record<string, string | number | undefined> = {
    registration_id: token,
    restricted_package_name: credentials.packageName,
    pass_through: n.type === 'cmd' ? 1 : 0,
    title: n.title ?? '',
    description: n.body ?? '',
    payload: Object.keys(data).length > 0 ? JSON.stringify(data) : undefined,
    notify_type: options.sound !== undefined ? undefined : -1,
    time_to_live: ttlSeconds(n, nowMs) * 1000,
    time_to_send: n.show_begin_time !== undefined && n.show_begin_time * 1000 > nowMs ? n.show_begin_time * 1000 : undefined,
    'extra.sound_uri': options.sound,
    'extra.channel_id': options.channel_id,
    'extra.notify_foreground': '1',
  }
  // Xiaomi shows one notification per notify_id (default 0: each replaces the last): one per conversation or task.
  const group = n.thread_id ?? n.collapse_id ?? n.id
  if (group !== undefined) fields.notify_id = createHash('sha1').update(group).digest().readUInt32BE(0) % 2_147_483_647
  if (options.click_action === 'intent' && options.intent !== undefined) {
    fields['extra.notify_effect'] = '2'
    fields['extra.intent_uri'] = options.intent
  } else {
    fields['extra.notify_effect'] = '1'
  }
  for (const [key, value] of Object.entries(data)) fields[`extra.${key}`] ??= value
  return fields
}

/** Xiaomi answer codes: 20301 "No valid targets!" is the dead registration id; 21301 and 22xxx refuse the app's secret or package. */
const CREDENTIALS = new Set([21301, 22000, 22001, 22002, 22003, 22022])
const LATER = new Set([-1, 10001, 10002, 10003, 200001, 200002])

export function createXiaomiSender(options: XiaomiOptions): PushSender<'xiaomi'> {
  return {
    provider: 'xiaomi',
    send: (n, credentials, target) =>
      settle(async (): Promise<PushResult> => {
        const answer = await request(
          `${options.url}/v3/message/regid`,
          {
            method: 'POST',
            headers: { authorization: `key=${credentials.appSecret}`, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
            body: form(xiaomiFields(n, credentials, target.token, options.now())),
          },
          options.timeoutMs,
        )
        const later = transient(answer)
        if (later) return later
        const body = answer.json as { result?: string; code?: number; reason?: string; data?: { id?: string } } | undefined
        const status = answer.status
        if (body?.code === 0 && body.result === 'ok') return { outcome: 'ok', status, providerMessageId: body.data?.id }
        const reason = body?.code !== undefined ? String(body.code) : `HTTP ${status}`
        if (body?.code === 20301 || /no valid targets/i.test(body?.reason ?? '')) return { outcome: 'dead-token', status, reason }
        if (status === 401 || status === 403 || (body?.code !== undefined && CREDENTIALS.has(body.code))) return { outcome: 'bad-credentials', status, reason }
        if (body?.code !== undefined && LATER.has(body.code)) return { outcome: 'retry', status, reason }
        return { outcome: 'permanent', status, reason }
      }),
  }
}
