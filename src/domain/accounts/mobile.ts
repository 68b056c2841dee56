// Whether two ways of writing a mobile number name the same number (+86 13800000000, 0086-138-0000-0000, 138 0000 0000).

/**
 * The national digits of a mobile as people write it: spaces, dashes and dots dropped, then the China country
 * code (+86, 0086, or 86 before an 11-digit number) removed. Meant to be replaced by the accounts' E.164
 * normaliser when that lands; callers only compare results.
 */
export function mobileDigits(value: string): string {
  const compact = value.trim().replace(/[\s\-.()]/g, '')
  const national = compact.replace(/^(\+86|0086)/, '')
  return /^86\d{11}$/.test(national) ? national.slice(2) : national
}

export function sameMobile(a: string, b: string): boolean {
  return mobileDigits(a) === mobileDigits(b)
}
