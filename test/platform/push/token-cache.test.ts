// The providers' token cache: one fetch per key while the token lives, a new one after expiry or invalidation; Retry-After parsing.
import t from 'tap'
import { createTokenCache, credentialKey } from '../../../src/platform/push/token-cache.ts'
import { retryAfter } from '../../../src/platform/push/http.ts'

t.test('a live token is reused, an expired or invalidated one fetched anew, concurrent callers share one fetch', async (t) => {
  let now = 1_000_000
  let fetched = 0
  const cache = createTokenCache(() => now)
  const fetch = async () => ({ value: `token-${++fetched}`, expiresAt: now + 60_000 })
  t.same(await Promise.all([cache.get('a', fetch), cache.get('a', fetch), cache.get('a', fetch)]), ['token-1', 'token-1', 'token-1'])
  t.equal(await cache.get('b', fetch), 'token-2', 'keys are apart')
  now += 59_999
  t.equal(await cache.get('a', fetch), 'token-1')
  now += 1
  t.equal(await cache.get('a', fetch), 'token-3', 'expired')
  cache.invalidate('a', 'token-1')
  t.equal(await cache.get('a', fetch), 'token-3', 'invalidating a token already replaced changes nothing')
  cache.invalidate('a', 'token-3')
  t.equal(await cache.get('a', fetch), 'token-4')
  t.equal(fetched, 4)
})

t.test('a failed fetch is not kept', async (t) => {
  const cache = createTokenCache()
  await t.rejects(
    cache.get('a', async () => {
      throw new Error('refused')
    }),
    /refused/,
  )
  t.equal(await cache.get('a', async () => ({ value: 'ok', expiresAt: Date.now() + 1000 })), 'ok')
})

t.test('credential keys hold no secret and tell credentials apart', async (t) => {
  const key = credentialKey('fcm', 'a@example.com', 'PRIVATE KEY TEXT')
  t.notOk(key.includes('PRIVATE'))
  t.not(key, credentialKey('fcm', 'a@example.com', 'OTHER KEY'))
  t.not(credentialKey('ab', 'c'), credentialKey('a', 'bc'))
})

t.test('Retry-After in seconds or as an HTTP date', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(retryAfter('120', now), 120)
  t.equal(retryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30)
  t.equal(retryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0)
  t.equal(retryAfter('soon', now), undefined)
  t.equal(retryAfter(null, now), undefined)
})
