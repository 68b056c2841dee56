// The push module's shapes: the credential source the push worker reads, and a /push/notify task as 002 §4 names its fields.
import type { PushCredentialsByProvider, PushNotification, PushProviderName } from '../../platform/push/types.ts'

/** APNs has a sandbox (`development`) beside `production`; every other provider has one environment, `production`. */
export type PushEnvironment = 'production' | 'development'

/** Where the push worker gets an app's credentials for a provider, unsealed, as the provider clients take them. */
export interface PushCredentialSource {
  /**
   * The app's credentials for the provider (for APNs, for the environment; other providers ignore it), or
   * undefined when the app has none or PUSH_SECRET_KEY is not configured (then nothing can be sent). Throws
   * SecretBoxError when the stored secret cannot be opened (sealed with another key, or altered).
   */
  credentialsFor<P extends PushProviderName>(appId: string, provider: P, environment?: PushEnvironment): Promise<PushCredentialsByProvider[P] | undefined>
}

/** `audience`: every device of the app, or the devices matching any of the lists (at most 500 entries each). */
export type PushAudience = 'all' | { tag?: string[]; alias?: string[]; user_id?: number[]; push_token?: string[] }

export type DistributionStrategy = 'combined' | 'mxpush_only' | 'ospush_only'
export type OsPushChannel = 'ups' | 'fcm' | 'huawei' | 'xiaomi' | 'oppo' | 'vivo' | 'meizu'

/** `setting` as stored: the defaults of 002 filled in. */
export interface PushSetting {
  request_id?: string
  distribution_strategy: DistributionStrategy
  ospush_sequence: OsPushChannel[]
}

/** The vendor blocks of `message`: the same as the provider clients take (a vendor block overrides `android`). */
type VendorBlocks = Pick<PushNotification, 'ios' | 'android' | 'huawei' | 'xiaomi' | 'oppo' | 'vivo' | 'flyme' | 'fcm'>

/** `message` as 002 §4 names it; stored as given (with `type` defaulted to text). `badge` absent means "+1". */
export interface PushMessage extends VendorBlocks {
  type: 'text' | 'image' | 'cmd'
  title?: string
  body?: string
  attachment_url?: string
  big_text?: string
  /** `"5"` sets the badge to 5, `"+1"` adds 1. */
  badge?: string
  ext?: Record<string, unknown>
  /** Unix seconds: not shown before (the task waits in the outbox until then). */
  show_begin_time?: number
  /** Unix seconds: not worth showing after. */
  show_end_time?: number
}

export interface NotifyInput {
  audience: PushAudience
  setting?: Partial<PushSetting>
  message: Omit<PushMessage, 'type'> & { type?: PushMessage['type'] }
}

/** The channels of /push/task/detail: `mxpush` is the gateway's own sockets, `webpush` its browsers. */
export const TASK_CHANNELS = ['mxpush', 'apns', 'fcm', 'huawei', 'xiaomi', 'oppo', 'vivo', 'flyme', 'webpush'] as const
export type TaskChannel = (typeof TASK_CHANNELS)[number]

export interface TaskDetail {
  taskId: number
  counts: Record<TaskChannel, { target: number; sent: number; received: number }>
}

/** An app's credentials for one provider as they may be shown: secrets masked. */
export interface CredentialsView {
  provider: number
  environment: PushEnvironment
  name: string
  /** Non-secret fields as stored, secret fields masked. */
  fields: Record<string, string>
  updatedAt: number
}
