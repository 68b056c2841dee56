// Pure push rules: whether a message notifies a recipient, what the notification says, which provider a device uses, retry backoff.
import type { PushNotification, PushProviderName } from '../../platform/push/types.ts'
import type { PushableMessage } from '../messages/messages.types.ts'

/** Content types that push: TEXT … LOCATION and FORWARD. COMMAND (6, typing and other signals) and READ_ACK / RECALL / APPEND / REPLACE are silent. */
export const PUSHING_TYPES: readonly number[] = [0, 1, 2, 3, 4, 5, 7]

/** The recipient's settings that shape a push (user_settings). */
export interface RecipientSettings {
  noPush: boolean
  noPushDetail: boolean
  noPushStartHour: number
  noPushEndHour: number
  noSounds: boolean
  silenceStartTime: number
  silenceEndTime: number
}

/** The recipient's place in the group a message was sent to. */
export interface GroupSide {
  /** The recipient's msg_mute_mode: 0 none, 1 mute local notification, 2 do not receive. */
  muteMode: number
  /** The recipient's msg_push_mode: 0 all, 1 none, 2 admins and @-mentions, 3 admins only, 4 @-mentions only. */
  pushMode: number
  /** The sender is the group's owner or an admin (0, a system notification, counts as admin). */
  senderIsAdmin: boolean
  /** The message @-mentions the recipient (or everyone). */
  mentioned: boolean
}

export interface PushFacts {
  contentType: number
  recalled: boolean
  settings: RecipientSettings
  /** The hour (0–23) in the recipient's time zone. */
  hour: number
  /** Absent for a one-to-one message. */
  group?: GroupSide
  /** The recipient blacklisted the sender. */
  blocked: boolean
}

export type PushDecision =
  | { push: false; reason: 'silent-type' | 'recalled' | 'no-push' | 'no-disturb-hours' | 'muted' | 'push-mode' | 'blacklisted' }
  | { push: true; detail: boolean; sound: boolean }

/** Whether the hour lies in [start, end); start > end wraps past midnight (22 → 7); start = end is no window at all. */
export function inHours(start: number, end: number, hour: number): boolean {
  if (start === end) return false
  return start < end ? hour >= start && hour < end : hour >= start || hour < end
}

/** msg_push_mode against who sent and whom it mentions. */
export function pushModeAllows(mode: number, senderIsAdmin: boolean, mentioned: boolean): boolean {
  switch (mode) {
    case 1:
      return false
    case 2:
      return senderIsAdmin || mentioned
    case 3:
      return senderIsAdmin
    case 4:
      return mentioned
    default:
      return true
  }
}

/** Every rule, in order; the first that says no wins. */
export function decide(f: PushFacts): PushDecision {
  if (!PUSHING_TYPES.includes(f.contentType)) return { push: false, reason: 'silent-type' }
  if (f.recalled) return { push: false, reason: 'recalled' }
  if (f.blocked) return { push: false, reason: 'blacklisted' }
  if (f.settings.noPush) return { push: false, reason: 'no-push' }
  if (f.group) {
    if (f.group.muteMode !== 0) return { push: false, reason: 'muted' }
    if (!pushModeAllows(f.group.pushMode, f.group.senderIsAdmin, f.group.mentioned)) return { push: false, reason: 'push-mode' }
  }
  if (inHours(f.settings.noPushStartHour, f.settings.noPushEndHour, f.hour)) return { push: false, reason: 'no-disturb-hours' }
  const silenced = inHours(f.settings.silenceStartTime, f.settings.silenceEndTime, f.hour)
  return { push: true, detail: !f.settings.noPushDetail, sound: !f.settings.noSounds && !silenced }
}

/** @-mentions from a message's `config` JSON: `mentionAll` / `mentionList` (also `mention_all` / `mention_list`). */
export function mentions(config: string, userId: number): boolean {
  if (!config) return false
  let parsed: unknown
  try {
    parsed = JSON.parse(config)
  } catch {
    return false
  }
  if (!parsed || typeof parsed !== 'object') return false
  const c = parsed as Record<string, unknown>
  if (c.mentionAll === true || c.mention_all === true) return true
  const list = c.mentionList ?? c.mention_list
  return Array.isArray(list) && list.some((id) => Number(id) === userId)
}

/** The hour (0–23) of `epochMs` in an IANA time zone. */
export function hourIn(epochMs: number, timeZone: string): number {
  const text = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(epochMs))
  return Number(text) % 24
}

const PLACEHOLDER: Record<number, string> = { 1: '[Image]', 2: '[Voice]', 3: '[Video]', 4: '[File]', 5: '[Location]', 7: '[Forwarded]' }

/** The text a notification shows for a message: the text itself, or a placeholder for other content; at most 200 characters. */
export function previewOf(contentType: number, content: string): string {
  const text = contentType === 0 ? content : (PLACEHOLDER[contentType] ?? '[Message]')
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}

/** What a message notification is made of. */
export type MessageForPush = Omit<PushableMessage, 'config' | 'recalled' | 'conversationId' | 'seq'>

/** Shown instead of the sender and text when the recipient hides details. */
export const HIDDEN_TITLE = 'New message'

/**
 * The notification for one recipient. Thread id = the conversation (`u<sender>` or `g<group>`), so a
 * conversation's notifications group together; collapse id = the message, so a retried send replaces itself.
 */
export function composeMessageNotification(
  m: MessageForPush,
  d: { detail: boolean; sound: boolean },
  badge: number,
  senderName: string,
  groupName?: string,
): PushNotification {
  const thread = m.kind === 2 ? `g${m.targetId}` : `u${m.senderId}`
  const n: PushNotification = {
    id: `m${m.msgId}`,
    type: 'text',
    im: true,
    badge,
    collapse_id: `m${m.msgId}`,
    thread_id: thread,
    data: { msg_id: m.msgId, type: m.kind, from: m.senderId, to: m.targetId },
  }
  if (d.detail) {
    const preview = previewOf(m.contentType, m.content)
    n.title = m.kind === 2 ? groupName || senderName : senderName
    n.body = m.kind === 2 && groupName ? `${senderName}: ${preview}` : preview
  } else {
    n.title = HIDDEN_TITLE
  }
  if (d.sound) n.sound = 'default'
  return n
}

/** 002 §4 provider numbers. */
export const PROVIDERS: Record<PushProviderName, number> = { apns: 1, huawei: 2, xiaomi: 3, meizu: 4, vivo: 5, oppo: 6, fcm: 7, webpush: 8 }

const NAME_HINTS: Array<[RegExp, PushProviderName]> = [
  [/apns|apple|ios/, 'apns'],
  [/huawei|hms|honor/, 'huawei'],
  [/xiaomi|mipush|^mi$/, 'xiaomi'],
  [/meizu|flyme/, 'meizu'],
  [/vivo/, 'vivo'],
  [/oppo|heytap/, 'oppo'],
  [/fcm|gcm|firebase|google/, 'fcm'],
  [/webpush|web-push|vapid|^web$/, 'webpush'],
]

export interface DeviceRoute {
  provider: PushProviderName
  /** 0 production, 1 development (APNs sandbox). */
  environment: number
}

/**
 * Which provider a device's token belongs to: its `notifier_name` (bound with the token, "certificate
 * name") when it names one (apns, huawei/hms, xiaomi/mipush, meizu/flyme, vivo, oppo, fcm/google,
 * webpush), else its platform (1 iOS → APNs, 2 Android → FCM, 6 web → Web Push). An APNs name with
 * `dev` or `sandbox` in it means the development environment.
 */
export function routeOf(notifierName: string, platform: number): DeviceRoute | undefined {
  const name = notifierName.trim().toLowerCase()
  const hinted = NAME_HINTS.find(([pattern]) => pattern.test(name))?.[1]
  const provider = hinted ?? (platform === 1 ? 'apns' : platform === 2 ? 'fcm' : platform === 6 ? 'webpush' : undefined)
  if (!provider) return undefined
  return { provider, environment: provider === 'apns' && /dev|sandbox/.test(name) ? 1 : 0 }
}

/** Backoff before retry `attempt` (1-based): base · 2^(attempt−1), at most `capMs`, never sooner than the provider asked. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, retryAfterSeconds?: number): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(exp, (retryAfterSeconds ?? 0) * 1000)
}

/** How a task is delivered (002 §4 `setting.distribution_strategy`). */
export type DistributionStrategy = 'combined' | 'mxpush_only' | 'ospush_only'

export function strategyOf(setting: Record<string, unknown>): DistributionStrategy {
  const value = setting.distribution_strategy
  return value === 'mxpush_only' || value === 'ospush_only' ? value : 'combined'
}

const VENDOR_BLOCKS = ['ios', 'android', 'huawei', 'xiaomi', 'oppo', 'vivo', 'flyme', 'fcm'] as const

/**
 * A task's `badge` (002 §4): digits set the badge to that number, `+N` adds N to the recipient's badge, absent
 * or empty means `+1`; a silent (`cmd`) task leaves the badge alone (undefined), as does a value of neither form.
 */
export function badgeChange(message: Record<string, unknown>): { set: number } | { add: number } | undefined {
  if (message.type === 'cmd') return undefined
  const value = message.badge
  if (value === undefined || value === null || value === '') return { add: 1 }
  if (typeof value === 'number' && Number.isInteger(value)) return { set: value }
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (/^\d{1,6}$/.test(text)) return { set: Number(text) }
  if (/^\+\d{1,6}$/.test(text)) return { add: Number(text.slice(1)) }
  return undefined
}

/**
 * The notification of a POST /push/notify task from its `message` as 002 §4 spells it: type, title,
 * body, attachment_url, big_text, ext (the data), show times, and each vendor block. The badge is the
 * recipient's (badgeChange applied to the user's badge), set per user by the worker.
 */
export function composeTaskNotification(taskId: number, message: Record<string, unknown>): PushNotification {
  const text = (key: string): string | undefined => {
    const value = message[key]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const type = message.type === 'image' || message.type === 'cmd' ? message.type : 'text'
  const n: PushNotification = { id: `t${taskId}`, type }
  const title = text('title')
  const body = text('body')
  if (title !== undefined) n.title = title
  if (body !== undefined) n.body = body
  const attachment = text('attachment_url')
  if (attachment !== undefined) n.attachment_url = attachment
  const bigText = text('big_text')
  if (bigText !== undefined) n.big_text = bigText
  if (message.ext && typeof message.ext === 'object') {
    n.data = Object.fromEntries(
      Object.entries(message.ext as Record<string, unknown>).map(([k, v]): [string, string | number | boolean] => [
        k,
        typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    )
  }
  if (typeof message.show_begin_time === 'number') n.show_begin_time = message.show_begin_time
  if (typeof message.show_end_time === 'number') n.show_end_time = message.show_end_time
  const blocks = n as unknown as Record<string, unknown>
  for (const block of VENDOR_BLOCKS) if (message[block] && typeof message[block] === 'object') blocks[block] = message[block]
  const ios = message.ios as Record<string, unknown> | undefined
  if (typeof ios?.apns_collapse_id === 'string') n.collapse_id = ios.apns_collapse_id
  if (typeof ios?.thread_id === 'string') n.thread_id = ios.thread_id
  return n
}
