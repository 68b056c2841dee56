// Opaque bearer tokens: 256 random bits, base64url; only their SHA-256 digest is ever stored.
import { createHash, createHmac, randomBytes } from 'node:crypto'

const TOKEN_FORMAT = /^[A-Za-z0-9_.~-]{16,512}$/

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * A token derived from another for one purpose: the same parent and purpose always give the same token, and
 * without the parent nobody can compute it (HMAC-SHA256 keyed with the parent, 256 bits, base64url).
 */
export function derivedToken(parent: string, purpose: string): string {
  return createHmac('sha256', parent).update(purpose, 'utf8').digest('base64url')
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Anything else is refused before any lookup (REST code 10008). */
export function isTokenFormat(token: string): boolean {
  return TOKEN_FORMAT.test(token)
}
