// Values of the legacy extended profile the old server refused: sex other than 1 or 2, an age that is not a number.
import { DomainError } from '../errors.ts'
import type { LegacyProfile } from './accounts.types.ts'

/** Oldest age taken; anything above is a typo, not a person. */
const MAX_AGE = 150

/**
 * Refuses, with a reason an old app can show, values the documents do not allow (001: `sex` 1男 2女, `age` a
 * number); answers the profile with those two trimmed, as they are stored.
 */
export function checkLegacyProfile(profile: LegacyProfile): LegacyProfile {
  if (profile.sex !== undefined && !['1', '2'].includes(profile.sex.trim())) {
    throw new DomainError('BAD_PARAMETER', 'sex must be 1 (male) or 2 (female)', { zh: '性别只能是 1（男）或 2（女）' })
  }
  if (profile.age !== undefined && (!/^\d{1,3}$/.test(profile.age.trim()) || Number(profile.age) > MAX_AGE)) {
    throw new DomainError('BAD_PARAMETER', `age must be a whole number from 0 to ${MAX_AGE}`, { zh: `年龄必须是 0 到 ${MAX_AGE} 之间的整数` })
  }
  return {
    ...profile,
    ...(profile.sex !== undefined ? { sex: profile.sex.trim() } : {}),
    ...(profile.age !== undefined ? { age: String(Number(profile.age)) } : {}),
  }
}
