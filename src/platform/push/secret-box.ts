// Push credentials at rest: AES-256-GCM with the key from PUSH_SECRET_KEY, and masking for any display.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

export class SecretBoxError extends Error {}

export interface SecretBox {
  /** `v1.<base64url(iv | tag | ciphertext)>`; a fresh IV each time, so equal secrets seal differently. */
  seal(plaintext: string): string
  /** The plaintext, or SecretBoxError when the text was altered or sealed with another key. */
  open(sealed: string): string
}

const PREFIX = 'v1.'

/** PUSH_SECRET_KEY as 32 bytes: 64 hex digits or base64 (standard or URL-safe) of 32 bytes; undefined when it is neither. */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (key.length === 32) return key
  }
  return undefined
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('the secret key must be 32 bytes')
  return {
    seal(plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new SecretBoxError('not a sealed secret')
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
      if (raw.length < 28) throw new SecretBoxError('not a sealed secret')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
      } catch {
        // One message for both causes on purpose: which one it was is no business of whoever reads the error.
        throw new SecretBoxError('the sealed secret was altered or sealed with another key')
      }
    },
  }
}

/** A secret as it may be shown: its last 4 characters when it is long enough for them to give nothing away, else stars. */
export function maskSecret(secret: string | undefined | null): string {
  if (!secret) return ''
  const text = secret.trim()
  return text.length >= 16 ? `****${text.slice(-4)}` : '****'
}

/** The box for PUSH_SECRET_KEY, or undefined when the key is not set (then no credentials can be stored). */
export function secretBoxFromConfig(config: { PUSH_SECRET_KEY?: string }): SecretBox | undefined {
  if (config.PUSH_SECRET_KEY === undefined) return undefined
  const key = parseSecretKey(config.PUSH_SECRET_KEY)
  if (!key) throw new SecretBoxError('PUSH_SECRET_KEY is not 32 bytes in hex or base64')
  return createSecretBox(key)
}
