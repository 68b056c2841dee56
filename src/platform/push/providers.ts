// createPushProviders(config): one sender per provider, sharing a token cache, each at its configured base URL.
import { createApnsSender } from './apns.ts'
import { createFcmSender } from './fcm.ts'
import { createHuaweiSender } from './huawei.ts'
import { createMeizuSender } from './meizu.ts'
import { createOppoSender } from './oppo.ts'
import { createVivoSender } from './vivo.ts'
import { createWebPushSender } from './webpush.ts'
import { createXiaomiSender } from './xiaomi.ts'
import { createTokenCache } from './token-cache.ts'
import type { PushProviderName, PushSender } from './types.ts'

export interface PushProvidersConfig {
  PUSH_TIMEOUT_MS: number
  PUSH_APNS_URL: string
  PUSH_APNS_SANDBOX_URL: string
  PUSH_FCM_URL: string
  PUSH_FCM_TOKEN_URL?: string
  PUSH_HUAWEI_URL: string
  PUSH_HUAWEI_AUTH_URL: string
  PUSH_XIAOMI_URL: string
  PUSH_OPPO_URL: string
  PUSH_VIVO_URL: string
  PUSH_MEIZU_URL: string
}

export interface PushProvidersOptions {
  /** The clock (milliseconds), for token lifetimes and expiries. */
  now?: () => number
  /** Extra CA certificates (PEM) APNs connections trust, e.g. a local test server's. */
  apnsCa?: string | string[]
}

export type PushProviders = { [P in PushProviderName]: PushSender<P> } & {
  /** Closes the kept HTTP/2 connections to APNs. */
  close(): void
}

const trim = (url: string) => url.replace(/\/+$/, '')

export function createPushProviders(config: PushProvidersConfig, options: PushProvidersOptions = {}): PushProviders {
  const now = options.now ?? Date.now
  const tokens = createTokenCache(now)
  const timeoutMs = config.PUSH_TIMEOUT_MS
  const apns = createApnsSender({
    productionUrl: trim(config.PUSH_APNS_URL),
    sandboxUrl: trim(config.PUSH_APNS_SANDBOX_URL),
    timeoutMs,
    tokens,
    now,
    ca: options.apnsCa,
  })
  return {
    apns,
    fcm: createFcmSender({ url: trim(config.PUSH_FCM_URL), tokenUrl: config.PUSH_FCM_TOKEN_URL, timeoutMs, tokens, now }),
    huawei: createHuaweiSender({ url: trim(config.PUSH_HUAWEI_URL), authUrl: trim(config.PUSH_HUAWEI_AUTH_URL), timeoutMs, tokens, now }),
    xiaomi: createXiaomiSender({ url: trim(config.PUSH_XIAOMI_URL), timeoutMs, now }),
    oppo: createOppoSender({ url: trim(config.PUSH_OPPO_URL), timeoutMs, tokens, now }),
    vivo: createVivoSender({ url: trim(config.PUSH_VIVO_URL), timeoutMs, tokens, now }),
    meizu: createMeizuSender({ url: trim(config.PUSH_MEIZU_URL), timeoutMs, now }),
    webpush: createWebPushSender({ timeoutMs, now }),
    close: () => apns.close(),
  }
}
