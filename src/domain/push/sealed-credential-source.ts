// A minimal PushCredentialSource over push_credentials (settings + the opened secret box), with a cached per-app "has any" check.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { SecretBox } from '../../platform/push/secret-box.ts'

/**
 * Where the worker gets an app's credentials for one provider and environment: the provider's
 * credentials object of platform/push (ApnsCredentials, FcmCredentials, …), i.e. the row's `settings`
 * merged with its opened secret fields (APNs: `environment` 'production' / 'development' from the row),
 * or undefined when there are none (or they cannot be opened).
 */
export interface PushCredentialSource {
  credentialsFor(appId: string, provider: number, environment: number): Promise<unknown>
  /** Whether the app has credentials for any provider: the send path asks this on every message, so it must be cheap (cached). */
  hasAny(appId: string): Promise<boolean>
}

/** How long a "has credentials" answer is believed; a certificate set in another process is seen after at most this. */
const HAS_ANY_TTL_MS = 30_000

export function sealedCredentialSource(db: Db, box: SecretBox | undefined, now: () => number): PushCredentialSource & { forget(appId: string): void } {
  const known = new Map<string, { value: boolean; until: number }>()
  return {
    async credentialsFor(appId, provider, environment) {
      if (!box) return undefined
      const row = await db
        .selectFrom('push_credentials')
        .select(['settings', 'sealed_secret'])
        .where('app_id', '=', appId)
        .where('provider', '=', provider)
        .where('environment', '=', environment)
        .executeTakeFirst()
      if (!row) return undefined
      let secret: Record<string, unknown>
      try {
        secret = JSON.parse(box.open(row.sealed_secret)) as Record<string, unknown>
      } catch {
        return undefined
      }
      const merged: Record<string, unknown> = { ...(row.settings ?? {}), ...secret }
      if (provider === 1) merged.environment = environment === 1 ? 'development' : 'production'
      return merged
    },
    async hasAny(appId) {
      if (!box) return false
      const cached = known.get(appId)
      if (cached && cached.until > now()) return cached.value
      const row = await db
        .selectFrom('push_credentials')
        .select(sql<number>`1`.as('one'))
        .where('app_id', '=', appId)
        .limit(1)
        .executeTakeFirst()
      if (known.size > 10_000) known.clear()
      known.set(appId, { value: row !== undefined, until: now() + HAS_ANY_TTL_MS })
      return row !== undefined
    },
    forget(appId) {
      known.delete(appId)
    },
  }
}
