// The README's error table lists every code of the one error table.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERRORS } from '../../src/domain/errors.ts'

t.test('every error code is documented in the README', async (t) => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
  for (const { code, message } of Object.values(ERRORS)) {
    t.ok(readme.includes(`| ${code} | ${message} |`), `README lists ${code}`)
  }
})
