// Password verifiers per semantics §9: argon2id (PHC string) over the lowercase MD5 hex digest of the password.
import { createHash } from 'node:crypto'
import { hash, verify, Algorithm } from '@node-rs/argon2'

/** What legacy clients send instead of the password, and what the REST surface computes from it. */
export function md5Hex(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex')
}

export function hashDigest(digest: string): Promise<string> {
  return hash(digest.toLowerCase(), { algorithm: Algorithm.Argon2id })
}

let verifications = 0

/** How many argon2 verifications this process ran: the work a login costs (read by tests and metrics). */
export function passwordVerifications(): number {
  return verifications
}

export async function verifyDigest(stored: string, digest: string): Promise<boolean> {
  verifications++
  try {
    return await verify(stored, digest.toLowerCase())
  } catch {
    return false
  }
}
