// What a push provider client is given (a notification, the app's credentials, a device) and what it answers.

export type PushProviderName = 'apns' | 'fcm' | 'huawei' | 'xiaomi' | 'oppo' | 'vivo' | 'meizu' | 'webpush'

/** What the provider said, reduced to what the sender must do next. */
export type PushOutcome =
  /** Accepted by the provider. */
  | 'ok'
  /** The device token is gone (uninstalled, expired, not this app's): drop it, never send to it again. */
  | 'dead-token'
  /** The provider is busy, rate-limiting or down, or the network failed: try again later (after retryAfterSeconds when given). */
  | 'retry'
  /** The app's credentials were refused: nothing sent with them will pass until an admin fixes them. */
  | 'bad-credentials'
  /** This notification will never be accepted as it is (too large, malformed): do not retry it. */
  | 'permanent'

export interface PushResult {
  outcome: PushOutcome
  /** HTTP status of the provider's answer, when there was one. */
  status?: number
  /** The provider's own reason or code (e.g. `BadDeviceToken`, `UNREGISTERED`, `80300007`); never a secret. */
  reason?: string
  /** From Retry-After (or the provider's own hint), for `retry`. */
  retryAfterSeconds?: number
  /** The provider's id of the accepted message, when it gives one. */
  providerMessageId?: string
}

/** `002` §4 `message.android` and each vendor's block (`huawei`, `xiaomi`, `oppo`, `vivo`, `flyme`, `fcm`): a vendor block overrides `android`. */
export interface AndroidOptions {
  sound?: string
  channel_id?: string
  /** `intent`: open the page named by `intent`; `open_app`: open the app's home page. */
  click_action?: 'intent' | 'open_app'
  /** `intent:#Intent;component=…;end` */
  intent?: string
}

export interface HuaweiOptions extends AndroidOptions {
  /** The launcher activity whose icon shows the badge, e.g. com.example.MainActivity. */
  badge_class?: string
}

export interface VivoOptions extends AndroidOptions {
  /** 0 production, 1 test push. */
  push_mode?: number
  /** 0 operational message, 1 system message. */
  classification?: number
}

/** `002` §4 `message.ios` */
export interface IosOptions {
  sound?: string
  content_available?: boolean
  mutable_content?: boolean
  category?: string
  thread_id?: string
  subtitle?: string
  apns_collapse_id?: string
}

/** One notification to one device, as the gateway has decided to show it. */
export interface PushNotification {
  /** Unique id of this notification (request ids, message ids at the vendors that want one); at most 64 characters of [A-Za-z0-9_-]. */
  id?: string
  /** `text` and `image` show in the notification bar; `cmd` is delivered to the app silently. */
  type?: 'text' | 'image' | 'cmd'
  title?: string
  /** Absent when the recipient chose to hide details. */
  body?: string
  /** Longer text where the vendor can show it (Android big-text style). */
  big_text?: string
  /** Picture shown with the notification (https URL of a jpg/png). */
  attachment_url?: string
  /** The number the app icon shows (unread count); absent leaves it unchanged. */
  badge?: number
  /** Default sound for every platform; a platform block's sound wins. */
  sound?: string
  /** An instant message of a conversation (vendors that rank messages, e.g. vivo's classification, treat it as such). */
  im?: boolean
  /** A later notification with the same id replaces this one on the device. */
  collapse_id?: string
  /** Notifications with the same thread id are grouped together (iOS thread-id, Android tag/group). */
  thread_id?: string
  /** Custom payload for the app (conversation id, message id, `002` `ext`); values are sent as strings where the vendor wants strings. */
  data?: Record<string, string | number | boolean>
  /** Show no earlier than this (Unix seconds); vendors that cannot schedule get it when it is due. */
  show_begin_time?: number
  /** Not worth showing after this (Unix seconds): becomes the expiry where the vendor has one. */
  show_end_time?: number
  ios?: IosOptions
  android?: AndroidOptions
  huawei?: HuaweiOptions
  xiaomi?: AndroidOptions
  oppo?: AndroidOptions
  vivo?: VivoOptions
  flyme?: AndroidOptions
  fcm?: AndroidOptions
}

/** The device to send to: its push token (for Web Push, the browser's PushSubscription as JSON). */
export interface PushTarget {
  token: string
}

/** APNs token authentication: a .p8 signing key of the team. */
export interface ApnsCredentials {
  /** PEM text of the .p8 key (PKCS#8, EC P-256). */
  privateKey: string
  /** The key's 10-character id. */
  keyId: string
  /** The developer team's 10-character id. */
  teamId: string
  /** The app's bundle id (apns-topic). */
  topic: string
  /** `development` sends to the sandbox (apps built for development), `production` to production. */
  environment: 'development' | 'production'
}

/** A Google service account of the Firebase project (the fields of its JSON key file that matter). */
export interface FcmCredentials {
  projectId: string
  clientEmail: string
  /** PEM text of the account's RSA private key. */
  privateKey: string
  /** The key file's token_uri (PUSH_FCM_TOKEN_URL overrides it). */
  tokenUri?: string
}

export interface HuaweiCredentials {
  appId: string
  appSecret: string
}
export interface XiaomiCredentials {
  appSecret: string
  packageName: string
}
export interface OppoCredentials {
  appKey: string
  masterSecret: string
}
export interface VivoCredentials {
  appId: string
  appKey: string
  appSecret: string
}
export interface MeizuCredentials {
  appId: string
  appSecret: string
}
/** VAPID: the application server's key pair (URL-safe base64, as web-push generates them) and a contact. */
export interface WebPushCredentials {
  subject: string
  publicKey: string
  privateKey: string
}

export interface PushCredentialsByProvider {
  apns: ApnsCredentials
  fcm: FcmCredentials
  huawei: HuaweiCredentials
  xiaomi: XiaomiCredentials
  oppo: OppoCredentials
  vivo: VivoCredentials
  meizu: MeizuCredentials
  webpush: WebPushCredentials
}

export interface PushSender<P extends PushProviderName = PushProviderName> {
  readonly provider: P
  /** Sends one notification to one device. Never throws for what a provider or the network does: that is the result. */
  send(notification: PushNotification, credentials: PushCredentialsByProvider[P], target: PushTarget): Promise<PushResult>
}

/** The Android options for one vendor: its own block over `android`, field by field. */
export function androidOptions(
  n: PushNotification,
  vendor: 'huawei' | 'xiaomi' | 'oppo' | 'vivo' | 'flyme' | 'fcm',
): AndroidOptions & HuaweiOptions & VivoOptions {
  const merged: Record<string, unknown> = { ...(n.android ?? {}) }
  for (const [key, value] of Object.entries(n[vendor] ?? {})) if (value !== undefined) merged[key] = value
  if (merged.sound === undefined && n.sound !== undefined) merged.sound = n.sound
  return merged
}

/** Custom payload with every value as a string (FCM and most vendors accept only strings). */
export function stringData(n: PushNotification): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(n.data ?? {})) out[key] = String(value)
  return out
}

/** Seconds the notification stays worth delivering: until show_end_time, else a default. */
export function ttlSeconds(n: PushNotification, nowMs: number, fallback = 86_400): number {
  if (n.show_end_time === undefined) return fallback
  return Math.max(0, Math.floor(n.show_end_time - nowMs / 1000))
}
