// Compact JWTs signed with node:crypto: ES256 for APNs provider tokens, RS256 for Google service-account assertions.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs header.claims; ES256 signatures are the raw r|s pair JOSE wants, not DER. */
export function signJwt(alg: 'ES256' | 'RS256', key: KeyObject | string, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key
  const input = `${part({ alg, typ: 'JWT', ...header })}.${part(claims)}`
  const signature =
    alg === 'ES256' ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(input), privateKey)
  return `${input}.${signature.toString('base64url')}`
}
