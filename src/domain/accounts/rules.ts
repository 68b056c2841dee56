// Field rules of accounts (semantics §5, §9): usernames, emails, login names, settings ranges (mobiles: mobile.ts).
import { DomainError } from '../errors.ts'
import { parseMobile } from './mobile.ts'
import type { LoginName } from './accounts.types.ts'

const USERNAME = /^[A-Za-z0-9_]{1,64}$/
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/

/** Letters, digits and underscore, not all digits: so a login name of digits is always a mobile. */
export function checkUsername(username: string): void {
  if (!USERNAME.test(username) || /^\d+$/.test(username)) {
    throw new DomainError('BAD_PARAMETER', 'username must be 1-64 letters, digits or underscores and not all digits')
  }
}

/**
 * Which column a login name names: an email holds '@', a username is letters, digits and
 * underscores (never all digits), and anything else must be a mobile number (else 10002).
 */
export function resolveLoginName(name: LoginName): Exclude<LoginName, { by: 'any' }> {
  if (name.by !== 'any') return name
  const login = name.loginName.trim()
  if (login.includes('@')) return { by: 'email', email: login }
  if (USERNAME.test(login) && !/^\d+$/.test(login)) return { by: 'username', username: login }
  const mobile = parseMobile(login)
  if (!mobile) throw new DomainError('BAD_PARAMETER', 'the login name must be a username, an email address or a mobile number')
  return { by: 'mobile', mobile }
}

export function checkEmail(email: string): void {
  if (!EMAIL.test(email)) throw new DomainError('BAD_PARAMETER', 'email is not a valid address')
}

export function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainError('BAD_PARAMETER', `${name} must be an integer from ${min} to ${max}`)
  }
}
