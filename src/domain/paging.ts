// The one keyset-paging helper of every paged list: cursors are the key of the last item shown; a page is read with one extra row.
import { DomainError } from './errors.ts'

/** Keys of int4 columns (user ids, device_sn, roster and application ids). */
export const INT4_MAX = 2 ** 31 - 1

/** A page of a keyset-paged list; `cursor` continues after the last item and is absent on the last page. */
export interface KeysetPage<T> {
  items: T[]
  cursor?: string
}

/** The key to continue after (undefined: the first page): the decimal key of the last item shown; anything else is a bad parameter. */
export function parseCursor(cursor: string | undefined, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  if (cursor === undefined || cursor === '') return undefined
  if (!/^\d+$/.test(cursor) || cursor.length > String(max).length || Number(cursor) > max) {
    throw new DomainError('BAD_PARAMETER', 'cursor must be a value returned by the previous page')
  }
  return Number(cursor)
}

/**
 * A page from `limit` + 1 rows read after the cursor: the first `limit`, and — when the extra row shows that
 * more remain — the cursor to continue after the last one (`keyOf` names its key).
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (item: T) => number): KeysetPage<T> {
  if (rows.length <= limit) return { items: rows }
  const items = rows.slice(0, limit)
  return { items, cursor: String(keyOf(items[items.length - 1]!)) }
}
