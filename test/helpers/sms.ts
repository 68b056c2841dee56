// Reads verification codes from the `file` SMS provider's outbox, as a tester reads a phone.
import { existsSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

export function lastCode(app: FastifyInstance, mobile: string): string {
  const outbox = app.config.SMS_OUTBOX
  if (!existsSync(outbox)) throw new Error('no SMS was sent')
  const lines = readFileSync(outbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { mobile: string; code: string })
  const mine = lines.filter((l) => l.mobile === mobile)
  if (mine.length === 0) throw new Error(`no SMS was sent to ${mobile}`)
  return mine[mine.length - 1]!.code
}

/** An app whose codes land in DATA_DIR's outbox file. */
export const FILE_SMS = { SMS_PROVIDER: 'file' }
