// Mobile numbers: one form (E.164) for every limit, lookup and uniqueness check, and how a stored number is shown.
import { lazily } from '../../platform/lazy.ts'
import { DomainError } from '../errors.ts'

/** What people type around a number: digits, a leading + or 00, spaces, dashes, dots, parentheses. */
const DIALLED = /^[\d\s+().-]{1,32}$/
/** Numbers without a country code are mainland Chinese, as every number the legacy apps stored. */
const HOME_COUNTRY = 'CN'
const HOME_PREFIX = '+86'
/** Its metadata is large and only number-handling requests need it: loaded by the first. */
const phoneNumbers = lazily<typeof import('libphonenumber-js/mobile')>('libphonenumber-js/mobile')

/**
 * The E.164 form of a mobile number, or undefined when the text is not one. `+86 138-0013-8000`,
 * `008613800138000` and `13800138000` are one number, `+8613800138000`. Validity comes from
 * libphonenumber's mobile metadata: the number must be a mobile number of its country (a landline,
 * premium-rate or unallocated number is refused: codes are only sent where a phone can read them).
 */
export function parseMobile(text: string): string | undefined {
  if (!DIALLED.test(text.trim())) return undefined
  // Formatting goes; what is left must be one number from its first character to its last.
  const digits = text.replace(/[\s().-]/g, '')
  const number = phoneNumbers().parsePhoneNumberFromString(digits, { defaultCountry: HOME_COUNTRY, extract: false })
  return number?.isValid() ? number.number : undefined
}

/** parseMobile for input: anything that is not a mobile number is refused, naming the field. */
export function normalizeMobile(text: string, field = 'mobile'): string {
  const mobile = parseMobile(text)
  if (!mobile) {
    throw new DomainError('BAD_PARAMETER', `${field} is not a mobile number (an 11-digit mainland number, or + and the country code, e.g. +8613800138000)`, {
      zh: `${field} 不是有效的手机号`,
    })
  }
  return mobile
}

/** How a stored number is shown on every surface: as dialled in mainland China (11 digits), others in E.164. */
export function displayMobile(mobile: string): string
export function displayMobile(mobile: string | null): string | null
export function displayMobile(mobile: string | null): string | null {
  return mobile?.startsWith(HOME_PREFIX) ? mobile.slice(HOME_PREFIX.length) : mobile
}
