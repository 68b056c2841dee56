// The fixture format: one JSON file per scenario, an ordered list of exchanges (request + expected response); load, check, find.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { validateExpected } from './matchers.ts'
import { FixtureError } from './template.ts'

/** A request value: a string with `{{…}}` placeholders, a number or boolean, `{"$var": name}` or `{"$outbox": mobile}`. */
export type RequestValue = string | number | boolean | { $var: string } | { $outbox: string; purpose?: string }

export interface FilePart {
  filename: string
  contentType?: string
  /** Inline content; or `path`, relative to the fixture file. */
  base64?: string
  path?: string
  /** Pads the content with zero bytes up to this size (a "file too large" upload without a large file in git). */
  padTo?: number
}

export type MultipartPart = { name: string; value: RequestValue } | { name: string; file: FilePart }

export interface RequestSpec {
  method: string
  /** Path and optional query string, relative to the target, e.g. `/user/user!login`. */
  path: string
  query?: Record<string, RequestValue>
  headers?: Record<string, RequestValue>
  /** At most one body: urlencoded form, JSON, multipart parts or raw text (set content-type yourself). */
  form?: Record<string, RequestValue>
  json?: unknown
  multipart?: MultipartPart[]
  text?: string
}

export interface ResponseSpec {
  status: unknown
  /** Only the headers listed are checked (names case-insensitive); `{"$absent": true}` demands one is missing. */
  headers?: Record<string, unknown>
  /** The JSON body, compared exactly except for matchers. */
  body?: unknown
  /** The raw body, for responses that are not JSON. */
  bodyText?: unknown
  ignoreFieldOrder?: boolean
  /** The headers listed must also be spelled exactly so on the wire (`accessToken`, not `accesstoken`). */
  exactHeaderNames?: boolean
}

export interface Exchange {
  name: string
  /** A step that prepares the scenario (register, log in, create a group): when it fails the rest is skipped. */
  setup?: boolean
  note?: string
  request: RequestSpec
  response: ResponseSpec
}

export interface Fixture {
  description: string
  /** Where the expected shapes come from, e.g. `001 §1 user!login`. */
  source?: string
  note?: string
  /** Set on fixtures under pending/: why they do not run yet. */
  pending?: string
  ignoreFieldOrder?: boolean
  /** Declared in order at the start of each run; strings may use generators: `"alice_{{$random}}"`. */
  vars?: Record<string, unknown>
  exchanges: Exchange[]
}

export interface LoadedFixture {
  /** Path as given or found, for reports. */
  file: string
  fixture: Fixture
}

const FIXTURE_KEYS = ['description', 'source', 'note', 'pending', 'ignoreFieldOrder', 'vars', 'exchanges']
const EXCHANGE_KEYS = ['name', 'setup', 'note', 'request', 'response']
const REQUEST_KEYS = ['method', 'path', 'query', 'headers', 'form', 'json', 'multipart', 'text']
const RESPONSE_KEYS = ['status', 'headers', 'body', 'bodyText', 'ignoreFieldOrder', 'exactHeaderNames']
const FILE_KEYS = ['filename', 'contentType', 'base64', 'path', 'padTo']
const BODY_KINDS = ['form', 'json', 'multipart', 'text'] as const

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new FixtureError(`${where}: unknown key "${key}" (allowed: ${allowed.join(', ')})`)
  }
}

function checkRequestValue(value: unknown, where: string): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return
  if (isObject(value) && typeof value.$var === 'string' && Object.keys(value).length === 1) return
  if (isObject(value) && typeof value.$outbox === 'string') {
    onlyKeys(value, ['$outbox', 'purpose'], where)
    return
  }
  throw new FixtureError(`${where}: a string, number, boolean, {"$var": name} or {"$outbox": mobile}`)
}

function checkValues(values: unknown, where: string): void {
  if (values === undefined) return
  if (!isObject(values)) throw new FixtureError(`${where}: an object of name → value`)
  for (const [key, value] of Object.entries(values)) checkRequestValue(value, `${where}.${key}`)
}

function checkRequest(request: unknown, where: string): void {
  if (!isObject(request)) throw new FixtureError(`${where}: an object`)
  onlyKeys(request, REQUEST_KEYS, where)
  if (typeof request.method !== 'string' || !/^[A-Z]+$/.test(request.method)) throw new FixtureError(`${where}.method: an upper-case HTTP method`)
  if (typeof request.path !== 'string' || !request.path.startsWith('/')) throw new FixtureError(`${where}.path: a path starting with /`)
  checkValues(request.query, `${where}.query`)
  checkValues(request.headers, `${where}.headers`)
  checkValues(request.form, `${where}.form`)
  const bodies = BODY_KINDS.filter((kind) => request[kind] !== undefined)
  if (bodies.length > 1) throw new FixtureError(`${where}: one body only, not ${bodies.join(' and ')}`)
  if (request.text !== undefined && typeof request.text !== 'string') throw new FixtureError(`${where}.text: a string`)
  if (request.multipart !== undefined) {
    if (!Array.isArray(request.multipart)) throw new FixtureError(`${where}.multipart: an array of parts`)
    request.multipart.forEach((part, i) => {
      const at = `${where}.multipart[${i}]`
      if (!isObject(part) || typeof part.name !== 'string') throw new FixtureError(`${at}: {"name", "value"} or {"name", "file"}`)
      onlyKeys(part, ['name', 'value', 'file'], at)
      if ('value' in part === 'file' in part) throw new FixtureError(`${at}: either "value" or "file"`)
      if ('value' in part) return checkRequestValue(part.value, `${at}.value`)
      const file = part.file
      if (!isObject(file) || typeof file.filename !== 'string') throw new FixtureError(`${at}.file: needs a filename`)
      onlyKeys(file, FILE_KEYS, `${at}.file`)
      if ((typeof file.base64 === 'string') === (typeof file.path === 'string')) throw new FixtureError(`${at}.file: either "base64" or "path"`)
      if (file.padTo !== undefined && (!Number.isInteger(file.padTo) || (file.padTo as number) < 0)) throw new FixtureError(`${at}.file.padTo: a byte count`)
    })
  }
}

function checkResponse(response: unknown, where: string): void {
  if (!isObject(response)) throw new FixtureError(`${where}: an object`)
  onlyKeys(response, RESPONSE_KEYS, where)
  if (response.status === undefined) throw new FixtureError(`${where}.status: required`)
  validateExpected(response.status, `${where}.status`, 'body')
  if (response.body === undefined && response.bodyText === undefined)
    throw new FixtureError(`${where}: give "body" (JSON) or "bodyText" (raw); use {"$any": "value"} to accept any body`)
  if (response.body !== undefined && response.bodyText !== undefined) throw new FixtureError(`${where}: "body" or "bodyText", not both`)
  if (response.headers !== undefined) {
    if (!isObject(response.headers)) throw new FixtureError(`${where}.headers: an object of name → expected value`)
    for (const [name, value] of Object.entries(response.headers)) validateExpected(value, `${where}.headers.${name}`, 'header')
  }
  if (response.exactHeaderNames !== undefined && typeof response.exactHeaderNames !== 'boolean')
    throw new FixtureError(`${where}.exactHeaderNames: true or false`)
  if (response.body !== undefined) validateExpected(response.body, `${where}.body`, 'body')
  if (response.bodyText !== undefined) validateExpected(response.bodyText, `${where}.bodyText`, 'header')
}

/** Checks the shape of a parsed fixture; throws FixtureError naming the first problem. */
export function checkFixture(value: unknown): Fixture {
  if (!isObject(value)) throw new FixtureError('a fixture is a JSON object')
  onlyKeys(value, FIXTURE_KEYS, '(fixture)')
  if (typeof value.description !== 'string' || !value.description) throw new FixtureError('description: say what the scenario shows')
  if (value.vars !== undefined && !isObject(value.vars)) throw new FixtureError('vars: an object of name → value')
  if (!Array.isArray(value.exchanges) || value.exchanges.length === 0) throw new FixtureError('exchanges: a non-empty array')
  value.exchanges.forEach((exchange, i) => {
    const where = `exchanges[${i}]`
    if (!isObject(exchange)) throw new FixtureError(`${where}: an object`)
    onlyKeys(exchange, EXCHANGE_KEYS, where)
    if (typeof exchange.name !== 'string' || !exchange.name) throw new FixtureError(`${where}.name: say what this step does`)
    checkRequest(exchange.request, `${where}.request`)
    checkResponse(exchange.response, `${where}.response`)
  })
  return value as unknown as Fixture
}

export function loadFixture(file: string): LoadedFixture {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new FixtureError(`${file}: not readable JSON: ${(error as Error).message}`)
  }
  try {
    return { file, fixture: checkFixture(parsed) }
  } catch (error) {
    throw new FixtureError(`${file}: ${(error as Error).message}`)
  }
}

function isPending(path: string): boolean {
  return path.split(sep).includes('pending')
}

function walk(dir: string, skipPending: boolean, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!(skipPending && entry.name === 'pending')) walk(full, skipPending, out)
    } else if (entry.name.endsWith('.json')) {
      out.push(full)
    }
  }
}

/**
 * The fixture files under `paths` (files or directories), sorted. Directories skip their `pending/`
 * folders unless the path given is itself inside one: `compat-fixtures/pending/group` runs those.
 */
export function findFixtureFiles(paths: string[], cwd = process.cwd()): string[] {
  const files: string[] = []
  for (const given of paths) {
    const full = resolve(cwd, given)
    if (!existsSync(full)) throw new FixtureError(`${given}: no such file or directory`)
    if (statSync(full).isDirectory()) walk(full, !isPending(relative(cwd, full)), files)
    else files.push(full)
  }
  return [...new Set(files)].sort().map((file) => relative(cwd, file) || file)
}
