// The `{"$outbox": mobile}` request value: the newest SMS code the `file` SMS provider wrote for that mobile.
import { existsSync, readFileSync } from 'node:fs'
import { FixtureError } from './template.ts'
import { parseMobile } from '../../domain/accounts/mobile.ts'

/** One line of the SMS outbox (env SMS_OUTBOX): `{"mobile","code","purpose","sent_at"}`. */
interface OutboxLine {
  mobile?: string
  code?: string
  purpose?: string
}

/** One number however written: the server records E.164 (+86…), a fixture may name 138…. */
function sameMobile(a: string, b: string): boolean {
  return a === b || (parseMobile(a) ?? a) === (parseMobile(b) ?? b)
}

function newestCode(file: string, mobile: string, purpose?: string): string | undefined {
  if (!existsSync(file)) return undefined
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
  for (let i = lines.length - 1; i >= 0; i--) {
    let entry: OutboxLine
    try {
      entry = JSON.parse(lines[i]!) as OutboxLine
    } catch {
      continue
    }
    if (
      entry.mobile !== undefined &&
      sameMobile(entry.mobile, mobile) &&
      (purpose === undefined || entry.purpose === purpose) &&
      typeof entry.code === 'string'
    )
      return entry.code
  }
  return undefined
}

/** Waits briefly for the code: the server may append the line just after it answered. */
export async function readOutboxCode(file: string | undefined, mobile: string, purpose?: string, waitMs = 2000): Promise<string> {
  if (!file) {
    throw new FixtureError(
      '{"$outbox": …} needs the SMS outbox file: run in-process (it sets SMS_OUTBOX) or pass --outbox FILE for a server started with SMS_PROVIDER=file',
    )
  }
  const deadline = Date.now() + waitMs
  for (;;) {
    const code = newestCode(file, mobile, purpose)
    if (code !== undefined) return code
    if (Date.now() >= deadline) throw new FixtureError(`no SMS code for ${mobile}${purpose ? ` (purpose ${purpose})` : ''} in ${file}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
