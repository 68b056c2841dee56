// Bounded TypeBox shapes every surface's schemas share: ids, counters and display names never reach the database unchecked.
import { Type, type TNumberOptions, type TStringOptions } from 'typebox'

/** User, group, device, file and announcement ids are PostgreSQL `integer` (int32 in the documents). */
export const INT32_MAX = 2147483647
export const INT32_MIN = -2147483648
/** Message ids, sequences and sizes are `bigint` columns, but a JSON number is exact only up to 2^53 − 1. */
export const SAFE_MAX = Number.MAX_SAFE_INTEGER

/** Any 32-bit integer; for values the domain checks itself with its own error code (e.g. `msg_push_mode` → 20003). */
export const Int32 = (options: TNumberOptions = {}) => Type.Integer({ minimum: INT32_MIN, maximum: INT32_MAX, ...options })

/** A positive int32 id. */
export const Id32 = (description: string, options: TNumberOptions = {}) => Type.Integer({ minimum: 1, maximum: INT32_MAX, description, ...options })

/** A list of int32 ids (at most 1,000 unless said otherwise). */
export const Id32List = (description: string, options: { minItems?: number; maxItems?: number } = {}) =>
  Type.Array(Id32('id'), { maxItems: 1000, ...options, description })

/** A bigint-backed number (message id, byte size): at least `minimum`, at most 2^53 − 1. */
export const BigId = (description: string, minimum = 1, options: TNumberOptions = {}) => Type.Integer({ minimum, maximum: SAFE_MAX, description, ...options })

/** The Ajv format of names people see (nick names, group names, aliases, group cards): see domain/text.ts. */
export const DISPLAY_NAME_FORMAT = 'display-name'

/** A name people see: no control, invisible or text-direction characters, at most `maxLength` characters. */
export const DisplayName = (description: string, maxLength: number, options: TStringOptions = {}) =>
  Type.String({ format: DISPLAY_NAME_FORMAT, maxLength, description, ...options })
