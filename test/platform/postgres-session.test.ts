// The gateway's PostgreSQL sessions: every pooled connection runs without JIT (short OLTP statements only).
import t from 'tap'
import { sql } from 'kysely'
import { openPostgres } from '../../src/platform/db.ts'

const url = process.env.DATABASE_URL

t.test('every pooled connection has JIT off', { skip: url ? false : 'needs DATABASE_URL' }, async (t) => {
  const database = openPostgres(url!, 3)
  t.teardown(() => database.close())
  // Three at once: three connections of the pool, each asked on its own.
  const answers = await Promise.all(
    [1, 2, 3].map(() =>
      database.db.transaction().execute(async (trx) => {
        const [jit] = (await sql<{ jit: string }>`show jit`.execute(trx)).rows
        const [pid] = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows
        return { jit: jit!.jit, pid: pid!.pid }
      }),
    ),
  )
  t.same(
    answers.map((a) => a.jit),
    ['off', 'off', 'off'],
  )
  t.equal(new Set(answers.map((a) => a.pid)).size, 3, 'three different sessions')
})
