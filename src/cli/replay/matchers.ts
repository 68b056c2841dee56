// Compares an expected value (literal JSON with matchers inside) to an actual one; records differences and captures.
import { formatPath, jsonType, show, type Difference, type PathPart } from './diff.ts'
import { escapeRegExp, FixtureError, type Variables } from './template.ts'

/**
 * Matchers are objects whose keys all start with `$`:
 *   {"$any": "string"|"integer"|"number"|"boolean"|"object"|"array"|"null"|"value"}
 *   {"$regex": "^[0-9a-f]{32}$", "$flags": "i"}      a string matching (placeholders inside are escaped)
 *   {"$same": "userId"}                              equal, JSON type included, to a captured variable
 *   {"$capture": "accessToken"}                      any present value, remembered under that name;
 *                                                    may be combined with $any, $regex or $same
 *   {"$contains": {...}}                             an object holding at least these fields (for setup steps)
 *   {"$absent": true}                                the field or header must not be there
 *   {"$literal": <any JSON>}                         compared exactly, `$` keys and `{{…}}` included
 */
const MATCHER_KEYS = new Set(['$any', '$regex', '$flags', '$same', '$capture', '$contains', '$absent', '$literal'])
const ANY_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array', 'null', 'value'])

export type Place = 'body' | 'header'

export interface MatchContext {
  vars: Variables
  place: Place
  /** Objects must list their fields in the expected order unless this is set. */
  ignoreFieldOrder: boolean
  differences: Difference[]
}

type Matcher = Record<string, unknown>

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isMatcher(value: unknown): value is Matcher {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => key.startsWith('$'))
}

/** Checks an expected tree once, at load: unknown `$` keys and half-matcher objects are the author's typos. */
export function validateExpected(value: unknown, where: string, place: Place): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => validateExpected(item, `${where}[${i}]`, place))
    return
  }
  if (!isPlainObject(value)) {
    if (place === 'header' && typeof value !== 'string')
      throw new FixtureError(`${where}: a header is expected as a string or a matcher, not ${jsonType(value)}`)
    return
  }
  const keys = Object.keys(value)
  const dollar = keys.filter((key) => key.startsWith('$'))
  if (dollar.length === 0) {
    for (const key of keys) validateExpected(value[key], `${where}.${key}`, place)
    return
  }
  if (dollar.length !== keys.length) {
    throw new FixtureError(`${where}: mixes matcher keys (${dollar.join(', ')}) with fields; wrap a literal object in {"$literal": …}`)
  }
  for (const key of keys) if (!MATCHER_KEYS.has(key)) throw new FixtureError(`${where}: unknown matcher ${key}`)
  const kinds = ['$any', '$regex', '$same', '$contains', '$absent', '$literal'].filter((key) => key in value)
  if (kinds.length > 1) throw new FixtureError(`${where}: combine at most one of ${kinds.join(', ')} (with $capture)`)
  if ('$capture' in value && (typeof value.$capture !== 'string' || !value.$capture)) throw new FixtureError(`${where}: $capture names a variable`)
  if ('$capture' in value && ['$contains', '$absent', '$literal'].includes(kinds[0] ?? ''))
    throw new FixtureError(`${where}: $capture cannot be combined with ${kinds[0]}`)
  if ('$any' in value && !ANY_TYPES.has(value.$any as string)) throw new FixtureError(`${where}: $any is one of ${[...ANY_TYPES].join(', ')}`)
  if ('$regex' in value) {
    if (typeof value.$regex !== 'string') throw new FixtureError(`${where}: $regex is a string`)
    try {
      new RegExp(value.$regex.replace(/\{\{[^{}]*\}\}/g, 'x'), (value.$flags as string | undefined) ?? '')
    } catch (error) {
      throw new FixtureError(`${where}: bad $regex: ${(error as Error).message}`)
    }
  }
  if ('$flags' in value && !('$regex' in value)) throw new FixtureError(`${where}: $flags goes with $regex`)
  if ('$same' in value && typeof value.$same !== 'string') throw new FixtureError(`${where}: $same names a variable`)
  if ('$absent' in value && value.$absent !== true) throw new FixtureError(`${where}: write {"$absent": true}`)
  if ('$contains' in value) {
    if (!isPlainObject(value.$contains)) throw new FixtureError(`${where}: $contains takes an object of fields`)
    for (const [key, sub] of Object.entries(value.$contains)) validateExpected(sub, `${where}.${key}`, place)
  }
}

/** Compares `actual` (undefined = absent) against `expected` at `path`, appending to ctx.differences. */
export function matchValue(expected: unknown, actual: unknown, path: PathPart[], ctx: MatchContext): void {
  const differ = (message: string, expectedValue?: unknown) => {
    ctx.differences.push({ path: formatPath(path), message, expected: expectedValue, actual })
  }
  if (isMatcher(expected)) return matchMatcher(expected, actual, path, ctx, differ)
  if (actual === undefined) return differ(`missing, expected ${show(expandStrings(expected, ctx.vars))}`, expected)

  if (typeof expected === 'string') {
    const want = ctx.vars.interpolate(expected)
    if (actual !== want) differ(`expected ${show(want)}, got ${show(actual)}`, want)
    return
  }
  if (expected === null || typeof expected !== 'object') {
    if (actual !== expected) differ(`expected ${show(expected)}, got ${show(actual)}`, expected)
    return
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differ(`expected an array, got ${show(actual)}`, expected)
    const length = Math.max(expected.length, actual.length)
    for (let i = 0; i < length; i++) {
      if (i >= expected.length) ctx.differences.push({ path: formatPath([...path, i]), message: `unexpected item ${show(actual[i])}`, actual: actual[i] })
      else matchValue(expected[i], i < actual.length ? actual[i] : undefined, [...path, i], ctx)
    }
    return
  }
  if (!isPlainObject(actual)) return differ(`expected an object, got ${show(actual)}`, expected)
  matchFields(expected as Record<string, unknown>, actual, path, ctx, true)
}

function matchFields(expected: Record<string, unknown>, actual: Record<string, unknown>, path: PathPart[], ctx: MatchContext, exact: boolean): void {
  for (const [key, sub] of Object.entries(expected)) {
    matchValue(sub, Object.hasOwn(actual, key) ? actual[key] : undefined, [...path, key], ctx)
  }
  if (!exact) return
  const extra = Object.keys(actual).filter((key) => !Object.hasOwn(expected, key))
  for (const key of extra) {
    ctx.differences.push({ path: formatPath([...path, key]), message: `unexpected field, got ${show(actual[key])}`, actual: actual[key] })
  }
  // Order is judged only when both sides have the same fields: otherwise the missing or extra field is the news.
  const wanted = Object.keys(expected).filter((key) => !(isMatcher(expected[key]) && '$absent' in expected[key]))
  const got = Object.keys(actual)
  if (ctx.ignoreFieldOrder || extra.length > 0 || wanted.length !== got.length) return
  if (wanted.join('\u0000') !== got.join('\u0000')) {
    ctx.differences.push({
      path: formatPath(path) || '(root)',
      message: `fields in another order: expected ${wanted.join(', ')}; got ${got.join(', ')}`,
      expected: wanted,
      actual: got,
    })
  }
}

function matchMatcher(m: Matcher, actual: unknown, path: PathPart[], ctx: MatchContext, differ: (message: string, expected?: unknown) => void): void {
  const before = ctx.differences.length
  if ('$absent' in m) {
    if (actual !== undefined) differ(`expected to be absent, got ${show(actual)}`)
    return
  }
  if (actual === undefined) return differ(`missing, expected ${describeMatcher(m)}`)
  if ('$literal' in m) {
    if (JSON.stringify(actual) !== JSON.stringify(m.$literal)) differ(`expected ${show(m.$literal)}, got ${show(actual)}`, m.$literal)
  } else if ('$any' in m) {
    if (!isOfType(actual, m.$any as string, ctx.place)) differ(`expected any ${String(m.$any)}, got ${show(actual)}`)
  } else if ('$regex' in m) {
    const pattern = ctx.vars.interpolate(m.$regex as string, escapeRegExp)
    if (typeof actual !== 'string') differ(`expected a string matching /${pattern}/, got ${show(actual)}`)
    else if (!new RegExp(pattern, (m.$flags as string | undefined) ?? '').test(actual)) differ(`expected a string matching /${pattern}/, got ${show(actual)}`)
  } else if ('$same' in m) {
    const captured = ctx.vars.get(m.$same as string)
    const want = ctx.place === 'header' && typeof captured !== 'string' ? JSON.stringify(captured) : captured
    if (JSON.stringify(actual) !== JSON.stringify(want)) differ(`expected the same as {{${String(m.$same)}}} = ${show(want)}, got ${show(actual)}`, want)
  } else if ('$contains' in m) {
    if (!isPlainObject(actual)) differ(`expected an object, got ${show(actual)}`)
    else matchFields(m.$contains as Record<string, unknown>, actual, path, ctx, false)
  }
  if ('$capture' in m && ctx.differences.length === before) ctx.vars.set(m.$capture as string, actual)
}

function isOfType(value: unknown, type: string, place: Place): boolean {
  // Headers are strings on the wire: "integer" there means a string of digits (`expire`, `uid`).
  if (place === 'header' && typeof value === 'string' && (type === 'integer' || type === 'number'))
    return /^-?\d+(\.\d+)?$/.test(value) && (type === 'number' || !value.includes('.'))
  switch (type) {
    case 'value':
      return true
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'object':
      return isPlainObject(value)
    case 'array':
      return Array.isArray(value)
    case 'null':
      return value === null
    default:
      return typeof value === type
  }
}

function describeMatcher(m: Matcher): string {
  if ('$any' in m) return `any ${String(m.$any)}`
  if ('$regex' in m) return `a string matching /${String(m.$regex)}/`
  if ('$same' in m) return `the same as {{${String(m.$same)}}}`
  if ('$contains' in m) return 'an object'
  if ('$literal' in m) return show(m.$literal)
  return `a value for {{${String(m.$capture)}}}`
}

/** For messages: the expected value with its placeholders filled in where possible. */
function expandStrings(value: unknown, vars: Variables): unknown {
  if (typeof value === 'string') {
    try {
      return vars.interpolate(value)
    } catch {
      return value
    }
  }
  return value
}
