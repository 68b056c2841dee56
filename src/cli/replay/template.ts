// Variables of one fixture run: `{{name}}` placeholders, generators (`{{$random}}`, `{{$digits:8}}`, `{{$md5:name}}`, `{{$now}}`), the target's `{{$adminToken}}`.
import { createHash, randomInt } from 'node:crypto'

/** A fixture problem the author must fix (unknown variable, bad matcher): the exchange fails with this message. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError'
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const ALPHANUMERIC = `${LETTERS}0123456789`

function pick(alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

/** Captured and declared values of one fixture run; every run starts empty, so runs never share names. */
export class Variables {
  private readonly values = new Map<string, unknown>()

  /** `adminToken`: the target's admin token, for setup steps only an admin may take (`{{$adminToken}}`). */
  constructor(private readonly adminToken?: string) {}

  has(name: string): boolean {
    return this.values.has(name)
  }

  get(name: string): unknown {
    if (!this.values.has(name)) {
      throw new FixtureError(`variable "${name}" is not defined: no earlier exchange captured it and "vars" does not declare it`)
    }
    return this.values.get(name)
  }

  set(name: string, value: unknown): void {
    this.values.set(name, value)
  }

  entries(): Record<string, unknown> {
    return Object.fromEntries(this.values)
  }

  /** Replaces every `{{…}}` in `text`; `escape` transforms each substituted value (regular expressions escape them). */
  interpolate(text: string, escape: (value: string) => string = (value) => value): string {
    return text.replace(PLACEHOLDER, (_whole, token: string) => escape(this.resolve(token)))
  }

  private resolve(token: string): string {
    if (token === '$random') return pick(LETTERS, 1) + pick(ALPHANUMERIC, 9)
    if (token === '$now') return String(Date.now())
    if (token === '$adminToken') {
      if (!this.adminToken)
        throw new FixtureError("{{$adminToken}} needs the target's admin token: run in-process (it sets its own) or pass --admin-token TOKEN")
      return this.adminToken
    }
    const digits = token.match(/^\$digits:(\d{1,3})$/)
    if (digits) return pick('0123456789', Number(digits[1]))
    const md5 = token.match(/^\$md5:(.+)$/)
    if (md5)
      return createHash('md5')
        .update(String(this.get(md5[1]!.trim())), 'utf8')
        .digest('hex')
    if (token.startsWith('$')) throw new FixtureError(`unknown generator {{${token}}}: use $random, $digits:N, $md5:<variable>, $now or $adminToken`)
    const value = this.get(token)
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
