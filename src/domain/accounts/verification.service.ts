// SMS verification codes (semantics §9): 6 CSPRNG digits, 10 minutes, single use, 5 wrong tries, 1/min and 10/day per mobile (E.164).
import { createHash, randomInt } from 'node:crypto'
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import { countWrongTry, deleteCode, insertCode, newestCode, purgeCodes, useCode } from './verification.repository.ts'
import { findUserByLoginName } from './accounts.repository.ts'
import { normalizeMobile } from './mobile.ts'
import type { CodePurpose } from './accounts.types.ts'

/** register: an unregistered mobile; reset: a registered one; bind: a signed-in user proves a new mobile is theirs; mobile: any number, after a picture captcha. */

const CODE_TTL_SECONDS = 600
const MAX_WRONG_TRIES = 5
const PER_MINUTE = 1
const PER_DAY = 10
/** Bind codes a user may have sent per day, whatever the numbers: one account cannot spray SMS. */
const BIND_PER_USER_DAY = 10
/** Codes one client address may have sent per hour without signing in (/app/captcha/sms_web), whatever the numbers. */
const MOBILE_PER_ADDRESS_HOUR = 20

/** A digest so the codes do not sit in the database in plain text; they live ten minutes. */
const digest = (target: string, code: string) => createHash('sha256').update(`${target}:${code}`).digest('hex')

export class VerificationService {
  constructor(private readonly ctx: DomainContext) {}

  /**
   * Sends a code: a register code only to an unregistered mobile, a reset code only to a
   * registered one (the legacy messages already tell which, so the answer says so too), a bind
   * code (for `forUserId`) only to a mobile no other user has. Limits count the E.164 number,
   * however it was written.
   */
  async send(appId: string, input: string, purpose: CodePurpose, forUserId?: number, clientAddress?: string): Promise<void> {
    const mobile = normalizeMobile(input)
    const user = await findUserByLoginName(this.ctx.db, appId, { by: 'mobile', mobile })
    if (purpose === 'register' && user) throw new DomainError('USER_EXISTS', 'this mobile number is already registered')
    if (purpose === 'reset' && !user) throw new DomainError('USER_NOT_FOUND', 'no user has this mobile number')
    if (purpose === 'bind') {
      if (forUserId === undefined) throw new DomainError('NO_PERMISSION', 'bind codes are sent to signed-in users')
      if (user)
        throw new DomainError('ALREADY_BOUND', user.id === forUserId ? 'this mobile number is already yours' : 'this mobile number is bound to another user')
    }
    // A `mobile` code goes to any number (registered or not: the step after it decides); the sender is counted instead.
    if (purpose === 'mobile' && clientAddress === undefined) throw new DomainError('NO_PERMISSION', 'mobile codes are counted per client address')
    const key = `sms:${appId}:${mobile}`
    // Counted in Redis when configured, so the limits hold across processes.
    if ((await this.ctx.kv.incr(`${key}:minute`, 60)) > PER_MINUTE)
      throw new DomainError('RATE_LIMITED', 'a code was sent to this mobile less than a minute ago')
    if ((await this.ctx.kv.incr(`${key}:day`, 24 * 3600)) > PER_DAY) throw new DomainError('RATE_LIMITED', 'too many codes sent to this mobile today')
    if (purpose === 'bind' && (await this.ctx.kv.incr(`sms-user:${appId}:${forUserId}:day`, 24 * 3600)) > BIND_PER_USER_DAY) {
      throw new DomainError('RATE_LIMITED', 'too many verification codes requested by this user today')
    }
    if (purpose === 'mobile' && (await this.ctx.kv.incr(`sms-address:${appId}:${clientAddress}:hour`, 3600)) > MOBILE_PER_ADDRESS_HOUR) {
      throw new DomainError('RATE_LIMITED', 'too many verification codes requested from this address in the last hour')
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const id = await insertCode(this.ctx.db, {
      appId,
      target: mobile,
      purpose,
      codeDigest: digest(mobile, code),
      expiresAt: new Date(this.ctx.now() + CODE_TTL_SECONDS * 1000),
    })
    try {
      await this.ctx.sms.send({ mobile, code, purpose })
    } catch {
      await deleteCode(this.ctx.db, id)
      throw new DomainError('SMS_UNAVAILABLE')
    }
  }

  /**
   * Checks a code outside any transaction, so a wrong try is counted even though the use case
   * fails; returns the id to `consume` inside the use case's transaction.
   */
  async check(appId: string, input: string, purpose: CodePurpose | CodePurpose[], code: string): Promise<number> {
    // An email is kept as given; a mobile is looked up in the form its code was sent to.
    const target = input.includes('@') ? input : normalizeMobile(input)
    const row = await newestCode(this.ctx.db, appId, target, Array.isArray(purpose) ? purpose : [purpose])
    if (!row || row.used_at !== null || row.expires_at.getTime() <= this.ctx.now()) {
      throw new DomainError('BAD_VERIFICATION_CODE', 'no valid verification code for this target; request a new one')
    }
    if (row.attempts >= MAX_WRONG_TRIES) {
      throw new DomainError('BAD_VERIFICATION_CODE', 'too many wrong tries; request a new verification code')
    }
    if (row.code_digest !== digest(target, code.trim())) {
      await countWrongTry(this.ctx.db, row.id)
      throw new DomainError('BAD_VERIFICATION_CODE')
    }
    return row.id
  }

  /** Uses the checked code inside the transaction that acts on it: single use, even under races. */
  async consume(trx: Db, codeId: number): Promise<void> {
    if (!(await useCode(trx, codeId))) throw new DomainError('BAD_VERIFICATION_CODE', 'this verification code was already used')
  }

  /** Retention: forgets codes that expired before now; returns how many. */
  async purgeExpired(): Promise<number> {
    return purgeCodes(this.ctx.db, new Date(this.ctx.now()))
  }
}
