// Reads verification codes from the `file` SMS provider's outbox, as a tester reads a phone.
import { existsSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { normalizeMobile } from '../../src/domain/accounts/mobile.ts'

/** The newest code sent to the number, however the test writes it (the outbox holds E.164). */
export function lastCode(app: FastifyInstance, written: string): string {
  const mobile = normalizeMobile(written)
  const outbox = app.config.SMS_OUTBOX
  if (!existsSync(outbox)) throw new Error('no SMS was sent')
  const lines = readFileSync(outbox, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { mobile: string; code: string })
  const mine = lines.filter((l) => l.mobile === mobile)
  if (mine.length === 0) throw new Error(`no SMS was sent to ${mobile}`)
  return mine[mine.length - 1]!.code
}

/** An app whose codes land in DATA_DIR's outbox file. */
export const FILE_SMS = { SMS_PROVIDER: 'file' }
