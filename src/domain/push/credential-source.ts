// What the push worker and the send path ask of credentials: the provider client's credentials (through PushService,
// which reads what POST /push/certificate stored) and a cached per-app "has any" that the send path can afford.
import type { PushProviderName } from '../../platform/push/types.ts'
import { PROVIDERS } from './credential-fields.ts'
import type { PushService } from './push.service.ts'

export interface PushCredentialSource {
  /** The provider client's credentials (ApnsCredentials, FcmCredentials, …) for provider 1–8 and environment 0 production / 1 development. */
  credentialsFor(appId: string, provider: number, environment: number): Promise<unknown>
  /** Whether the app has credentials for any provider: the send path asks this on every message, so it is cached. */
  hasAny(appId: string): Promise<boolean>
  /** Forgets the cached answer for an app (its credentials were just set in this process). */
  forget(appId: string): void
}

/** How long a "has credentials" answer is believed; a certificate set in another process is seen after at most this. */
const HAS_ANY_TTL_MS = 30_000

export function pushCredentialSource(push: PushService, now: () => number): PushCredentialSource {
  const known = new Map<string, { value: boolean; until: number }>()
  return {
    async credentialsFor(appId, provider, environment) {
      const name: PushProviderName | undefined = PROVIDERS[provider as keyof typeof PROVIDERS]
      if (!name) return undefined
      try {
        return await push.credentialsFor(appId, name, environment === 1 ? 'development' : 'production')
      } catch {
        return undefined // sealed with another key: as good as none (the worker logs what it could not send)
      }
    },
    async hasAny(appId) {
      const cached = known.get(appId)
      if (cached && cached.until > now()) return cached.value
      const value = await push.hasCredentials(appId)
      if (known.size > 10_000) known.clear()
      known.set(appId, { value, until: now() + HAS_ANY_TTL_MS })
      return value
    },
    forget(appId) {
      known.delete(appId)
    },
  }
}
