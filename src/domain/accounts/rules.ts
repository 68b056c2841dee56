// Field rules of accounts (semantics §5, §9): usernames, mobiles, emails, settings ranges.
import { DomainError } from '../errors.ts'

const USERNAME = /^[A-Za-z0-9_]{1,64}$/
const MOBILE = /^\+?\d{5,20}$/
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/

/** Letters, digits and underscore, not all digits: so a login name of digits is always a mobile. */
export function checkUsername(username: string): void {
  if (!USERNAME.test(username) || /^\d+$/.test(username)) {
    throw new DomainError('BAD_PARAMETER', 'username must be 1-64 letters, digits or underscores and not all digits')
  }
}

export function checkMobile(mobile: string): void {
  if (!MOBILE.test(mobile)) throw new DomainError('BAD_PARAMETER', 'mobile must be 5-20 digits, optionally after +', { zh: '手机号格式不正确' })
}

export function checkEmail(email: string): void {
  if (!EMAIL.test(email)) throw new DomainError('BAD_PARAMETER', 'email is not a valid address')
}

export function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainError('BAD_PARAMETER', `${name} must be an integer from ${min} to ${max}`)
  }
}
