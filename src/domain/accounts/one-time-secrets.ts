// Short-lived, single-use secrets kept in the counters store by digest only: mobile-flow signs and one-time login passwords.
import { createHash, randomBytes } from 'node:crypto'
import type { Kv } from '../../platform/kv.ts'
import { hashDigest, md5Hex, verifyDigest } from '../../platform/passwords.ts'

/** How long a sign or a one-time login password lives: five minutes, as the SDK's flows take at most that. */
export const ONE_TIME_TTL_SECONDS = 300

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** What a sign of the mobile flows stands for. */
export type MobileSign =
  /** /app/user/info_pwd: `mobile` was proven by a code and has no account; issuedAt in ms. */
  | { kind: 'register'; mobile: string; issuedAt: number }
  /** /app/user/mobile_prechange_*: `userId` proved who they are and may now bind a new number. */
  | { kind: 'change'; userId: number; issuedAt: number }

/** A new sign for `value`: 192 random bits; the store keeps only its SHA-256 (a leaked store holds no usable sign). */
export async function issueSign(kv: Kv, appId: string, value: MobileSign): Promise<string> {
  const sign = randomBytes(24).toString('hex')
  await kv.set(`mobile-sign:${appId}:${sha256(sign)}`, JSON.stringify(value), ONE_TIME_TTL_SECONDS)
  return sign
}

/** What a live sign stands for, without using it (a step that then fails leaves it for a retry); undefined when unknown or expired. */
export async function readSign(kv: Kv, appId: string, sign: string): Promise<MobileSign | undefined> {
  const value = await kv.get(`mobile-sign:${appId}:${sha256(sign)}`)
  return value === null ? undefined : (JSON.parse(value) as MobileSign)
}

/** Uses the sign: true for the one caller that gets it first, even when two race (an atomic counter decides). */
export async function useSign(kv: Kv, appId: string, sign: string): Promise<boolean> {
  const key = sha256(sign)
  if ((await kv.incr(`mobile-sign-used:${appId}:${key}`, ONE_TIME_TTL_SECONDS)) !== 1) return false
  await kv.del(`mobile-sign:${appId}:${key}`)
  return true
}

/**
 * A one-time login password for the user (MaxIM's /app/user/info_pwd answers a password the SDK then logs in
 * with): 128 random bits, stored as the account passwords are (argon2id of its MD5 hex, semantics §9), one per
 * user at a time, for ONE_TIME_TTL_SECONDS.
 */
export async function issueLoginPassword(kv: Kv, appId: string, userId: number): Promise<string> {
  const password = randomBytes(16).toString('hex')
  await kv.set(`login-once:${appId}:${userId}`, await hashDigest(md5Hex(password)), ONE_TIME_TTL_SECONDS)
  return password
}

/** Whether `passwordDigest` is the user's live one-time password, using it up when it is. */
export async function useLoginPassword(kv: Kv, appId: string, userId: number, passwordDigest: string): Promise<boolean> {
  const key = `login-once:${appId}:${userId}`
  const hash = await kv.get(key)
  if (hash === null || !(await verifyDigest(hash, passwordDigest))) return false
  if ((await kv.incr(`login-once-used:${sha256(hash)}`, ONE_TIME_TTL_SECONDS)) !== 1) return false
  await kv.del(key)
  return true
}
