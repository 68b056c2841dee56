// Access tokens of the providers (OAuth, vendor auth tokens, APNs JWTs), kept until shortly before they expire; one fetch at a time per key.
import { createHash } from 'node:crypto'

export interface CachedToken {
  value: string
  /** Milliseconds since the epoch after which the token is not used any more. */
  expiresAt: number
}

export interface TokenCache {
  /** The live token under `key`, or the one `fetch` brings (concurrent callers share one fetch). */
  get(key: string, fetch: () => Promise<CachedToken>): Promise<string>
  /** Forgets the token, e.g. after the provider said it expired. */
  invalidate(key: string, value?: string): void
}

export function createTokenCache(now: () => number = Date.now): TokenCache {
  const tokens = new Map<string, CachedToken>()
  const pending = new Map<string, Promise<string>>()
  return {
    async get(key, fetch) {
      const cached = tokens.get(key)
      if (cached && cached.expiresAt > now()) return cached.value
      const inFlight = pending.get(key)
      if (inFlight) return inFlight
      const promise = fetch()
        .then((token) => {
          tokens.set(key, token)
          return token.value
        })
        .finally(() => pending.delete(key))
      pending.set(key, promise)
      return promise
    },
    invalidate(key, value) {
      if (value === undefined || tokens.get(key)?.value === value) tokens.delete(key)
    },
  }
}

/** A cache key naming the credentials without holding them: a hash of every part. */
export function credentialKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url')
}
