// What the database holds, table by table, as one digest each: a refused request must leave every digest as it was.
import { sql } from 'kysely'
import type { TestApp } from './app.ts'

/**
 * Tables whose rows change by themselves (process heartbeats) or by design on a refused request
 * (a wrong verification code counts an attempt): compared by row count only.
 */
const COUNT_ONLY = new Set(['presence_processes', 'presence_connections', 'verification_codes'])

let query: string | undefined

/** `{table: digest}` of every table of the schema (migrations' own bookkeeping aside). */
export async function tableDigests(app: TestApp): Promise<Record<string, string>> {
  const db = app.testDatabase.database.db
  if (!query) {
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by table_name`.execute(db)
    query = tables.rows
      .map(({ name }) =>
        COUNT_ONLY.has(name)
          ? `select '${name}' as name, (select count(*)::text from "${name}") as digest`
          : `select '${name}' as name, (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from "${name}" t) as digest`,
      )
      .join(' union all ')
  }
  const result = await sql<{ name: string; digest: string }>`${sql.raw(query)}`.execute(db)
  return Object.fromEntries(result.rows.map((row) => [row.name, row.digest]))
}

/** Names of the tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name])
}
