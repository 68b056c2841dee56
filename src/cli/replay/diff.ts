// Differences between an expected and an actual response: where (a field path), what was expected, what came.

/** One mismatch. `path` names the field: `status`, `headers.accesstoken`, `body.data.userVO.userId`, `body.groupList[0]`. */
export interface Difference {
  path: string
  message: string
  expected?: unknown
  actual?: unknown
}

export type PathPart = string | number

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `['body', 'data', 'userVO.userName', 0]` → `body.data["userVO.userName"][0]`. */
export function formatPath(parts: readonly PathPart[]): string {
  let out = ''
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`
    else out += `[${JSON.stringify(part)}]`
  }
  return out
}

/** The JSON type a human reads in a diff: a string "1" and a number 1 must look different. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** A value as it appears in JSON, shortened for one line, with its type. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)'
  // JSON.stringify gives undefined only for what JSON cannot hold (a function, a symbol): named by its type.
  let text = JSON.stringify(value) ?? `(${typeof value})`
  if (text.length > 120) text = `${text.slice(0, 117)}...`
  return `${text} (${jsonType(value)})`
}

/** One readable line per difference, e.g. `body.info: expected "登录成功" (string), got "失败" (string)`. */
export function formatDifference(difference: Difference): string {
  return `${difference.path}: ${difference.message}`
}
