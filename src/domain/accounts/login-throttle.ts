// Failed logins slow down one account from one client address with growing waits (OWASP: throttle, don't lock out).
import { isIPv6 } from 'node:net'
import { DomainError } from '../errors.ts'
import type { Kv } from '../../platform/kv.ts'

export interface LoginThrottleSettings {
  /** Failures of one account from one address before each further try waits. */
  readonly freeFailures: number
  /** The first wait; it doubles with each further failure. */
  readonly baseDelaySeconds: number
  readonly maxDelaySeconds: number
}

/** How long failures are remembered: a day after the first one of a series. */
const MEMORY_SECONDS = 24 * 3600
/** A turn is held while one password is checked; if the process dies mid-check it frees itself. */
const TURN_SECONDS = 30

/** What a login reports once the password was checked. */
export interface LoginTurn {
  failed(): Promise<void>
  succeeded(): Promise<void>
  /** The check could not run (an error): the next try may go at once. */
  abandoned(): Promise<void>
}

/**
 * The address part of the key: an IPv4 address, or the /64 of an IPv6 one (a single host usually
 * holds a whole /64, so counting single IPv6 addresses would let it rotate past the throttle).
 */
function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!isIPv6(address)) return address
  const [head = '', tail = ''] = address.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

/**
 * Every try of one account from one address passes here before its password is checked, so a
 * refusal costs no hash. The first `freeFailures` failures cost nothing; after the n-th failure
 * the next try waits base·2^(n−free) seconds (at most max). One try is checked at a time, so a
 * burst of parallel guesses gets one check. Another address — the real user — is never slowed
 * by this one's failures. Counters live in kv (Redis when configured): every process sees them.
 */
export class LoginThrottle {
  constructor(
    private readonly kv: Kv,
    private readonly settings: LoginThrottleSettings,
    private readonly now: () => number,
  ) {}

  /** Refuses with RATE_LIMITED (and when to come back) while this pair must wait; otherwise hands out its turn. */
  async admit(appId: string, account: string, address: string): Promise<LoginTurn> {
    const key = `login-throttle:${appId}:${account}:${clientKey(address)}`
    const failures = Number((await this.kv.get(`${key}:failures`)) ?? 0)
    if (failures >= this.settings.freeFailures) {
      const wait = Number((await this.kv.get(`${key}:until`)) ?? 0) - this.now()
      if (wait > 0) throw refusal(wait)
    }
    const turn = `${key}:turn:${failures}`
    if ((await this.kv.incr(turn, TURN_SECONDS)) > 1) throw refusal(1000)
    return {
      failed: async () => {
        const count = await this.kv.incr(`${key}:failures`, MEMORY_SECONDS)
        if (count >= this.settings.freeFailures) {
          const delay = this.delaySeconds(count)
          await this.kv.set(`${key}:until`, String(this.now() + delay * 1000), delay + 1)
        }
        await this.kv.del(turn)
      },
      succeeded: async () => {
        await Promise.all([this.kv.del(`${key}:failures`), this.kv.del(`${key}:until`), this.kv.del(turn)])
      },
      abandoned: () => this.kv.del(turn),
    }
  }

  private delaySeconds(failures: number): number {
    const { freeFailures, baseDelaySeconds, maxDelaySeconds } = this.settings
    const doublings = Math.min(failures - freeFailures, 30)
    return Math.min(baseDelaySeconds * 2 ** doublings, maxDelaySeconds)
  }
}

function refusal(waitMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new DomainError('RATE_LIMITED', `too many failed logins for this account from your address; try again in ${seconds} s`, { retryAfterSeconds: seconds })
}
