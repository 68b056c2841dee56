// Deletes old rows in small batches that several processes can run at once: each batch locks its rows and skips rows another batch holds.
import { sql, type RawBuilder } from 'kysely'
import type { Db } from './db.ts'

/** Rows per statement: each batch is its own short transaction, so purging never holds many locks for long. */
const PURGE_BATCH = 1000

/**
 * Deletes every row of `table` matching `condition`, `batch` rows per statement, and returns how many
 * it deleted. `FOR UPDATE SKIP LOCKED`: two processes purging at once take disjoint batches, and
 * neither waits for the other (nor for a request holding one of the rows).
 */
export async function deleteInBatches(db: Db, table: string, condition: RawBuilder<unknown>, batch = PURGE_BATCH): Promise<number> {
  let total = 0
  for (;;) {
    const result = await sql`
      delete from ${sql.table(table)} where ctid in (
        select ctid from ${sql.table(table)} where ${condition} limit ${batch} for update skip locked
      )`.execute(db)
    const deleted = Number(result.numAffectedRows ?? 0)
    total += deleted
    if (deleted < batch) return total
  }
}
