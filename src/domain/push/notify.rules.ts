// What a /push/notify request must satisfy beyond its schema: someone to reach, something to show, an intent where one is clicked, times in order.
import { DomainError } from '../errors.ts'
import type { NotifyInput, PushMessage, PushSetting } from './push.types.ts'

const ANDROID_BLOCKS = ['android', 'huawei', 'xiaomi', 'oppo', 'vivo', 'flyme', 'fcm'] as const

function bad(reason: string): never {
  throw new DomainError('BAD_PARAMETER', reason)
}

/** The message and setting to store, with 002's defaults filled in; refuses what no provider could show. */
export function checkNotify(input: NotifyInput, nowMs: number): { setting: PushSetting; message: PushMessage } {
  const { audience } = input
  if (audience !== 'all') {
    const lists = [audience.tag, audience.alias, audience.user_id, audience.push_token].filter((l) => l !== undefined)
    if (lists.length === 0 || lists.every((l) => l.length === 0)) bad('audience must be "all" or name at least one tag, alias, user_id or push_token')
  }
  const message: PushMessage = { ...input.message, type: input.message.type ?? 'text' }
  if (message.type !== 'cmd' && !message.title && !message.body) bad(`message.title or message.body is needed for a ${message.type} notification`)
  if (message.type === 'image') {
    if (!message.attachment_url) bad('message.attachment_url is needed for an image notification')
    if (!/\.(jpe?g|png)$/i.test(message.attachment_url.split(/[?#]/)[0]!)) bad('message.attachment_url of an image must end with .jpg, .jpeg or .png')
  }
  if (message.show_end_time !== undefined) {
    if (message.show_begin_time !== undefined && message.show_end_time <= message.show_begin_time) bad('message.show_end_time must be after show_begin_time')
    if (message.show_end_time * 1000 <= nowMs) bad('message.show_end_time is already past')
  }
  for (const block of ANDROID_BLOCKS) {
    const options = message[block]
    if (options?.click_action !== 'intent') continue
    // A vendor block overrides android field by field, so android's intent serves a vendor's click_action too.
    if (!options.intent && !message.android?.intent) bad(`message.${block}.intent is needed when click_action is intent`)
  }
  const setting: PushSetting = {
    ...input.setting,
    distribution_strategy: input.setting?.distribution_strategy ?? 'combined',
    ospush_sequence: input.setting?.ospush_sequence ?? ['ups', 'fcm'],
  }
  return { setting, message }
}

/** When the task's sending may start: its show time, or now. */
export function dueAt(message: PushMessage, nowMs: number): Date {
  const begin = message.show_begin_time === undefined ? 0 : message.show_begin_time * 1000
  return new Date(Math.max(nowMs, begin))
}
