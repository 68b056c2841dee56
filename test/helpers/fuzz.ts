// Fuzz requests from the OpenAPI document: every route's parameters right, wrong, huge, odd or missing, in every encoding, with and without tokens.
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'

export type Surface = 'rest' | 'legacy' | 'facade' | 'other'

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  pattern?: string
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  nullable?: boolean
}

export interface Route {
  method: string
  path: string
  surface: Surface
  /** Query (and, for non-GET routes, body) parameters as one object schema. */
  params: JsonSchema
  /** Path parameters such as `{id}`. */
  pathParams: string[]
  /** Label used in messages and in FUZZ_ROUTE. */
  label: string
}

export const LEGACY_PATH = /^\/(user\/user|chat\/group)!/
export const FACADE_PATH = /^\/api\/im\//

/** Every operation of the OpenAPI document (HEAD twins, the docs and the socket aside). */
export function routesOf(doc: { paths: Record<string, Record<string, any>> }): Route[] {
  const routes: Route[] = []
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs') || path === '/ws') continue
    for (const [method, operation] of Object.entries(operations)) {
      if (method === 'head') continue
      const properties: Record<string, JsonSchema> = {}
      const required: string[] = []
      const pathParams: string[] = []
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path') pathParams.push(parameter.name)
        if (parameter.in !== 'query') continue
        properties[parameter.name] = parameter.schema ?? {}
        if (parameter.required) required.push(parameter.name)
      }
      const body: JsonSchema | undefined = operation.requestBody?.content?.['application/json']?.schema
      Object.assign(properties, body?.properties ?? {})
      required.push(...(body?.required ?? []))
      // The facade reads its create/join/invite form by hand: give the generator the names it reads.
      if (FACADE_PATH.test(path) && method === 'post') for (const name of ['name', 'code', 'userid']) properties[name] ??= { type: 'string' }
      const surface: Surface = LEGACY_PATH.test(path)
        ? 'legacy'
        : FACADE_PATH.test(path)
          ? 'facade'
          : /^\/(healthz|readyz|static\/|files\/|media\/|upload\/images\/)/.test(path)
            ? 'other'
            : 'rest'
      routes.push({
        method: method.toUpperCase(),
        path,
        surface,
        params: { type: 'object', properties, required },
        pathParams,
        label: `${method.toUpperCase()} ${path}`,
      })
    }
  }
  return routes
}

/** Ids and names that exist, so generated requests reach past "not found" into the rules. */
export interface Pools {
  userIds: number[]
  groupIds: number[]
  msgIds: number[]
  words: string[]
}

const UNITS = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))

/** Text a person would never type but an attacker will. */
const ODD_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'tab\there',
  'line\nbreak',
  'esc\u001b[2J',
  'del\u007f',
  'c1\u0085',
  'bell\u0007',
  'invoice\u202Efdp.exe',
  'ad\u200Bmin',
  '\uFEFFbom',
  'a\u200Db',
  '\u3164',
  'broken \ud83d surrogate',
  '\udc00',
  '👨‍👩‍👧',
  '😀',
  '张三',
  '1e20',
  '-1',
  '2147483648',
  '9223372036854775808',
  'NaN',
  'null',
  'true',
  '0x10',
  '٣',
  '１２３',
  "' or 1=1 --",
  '"; drop table users; --',
  '../../etc/passwd',
  '%00',
  '%ff',
  '<script>alert(1)</script>',
  '{"__proto__":{"x":1}}',
  '__proto__',
]

const HUGE_NUMBERS = [-1, 0, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 63, -(2 ** 63), 1e20, -1e20, 1.5, -0.5, 1e308]
const WRONG_TYPES = ['12', '1e20', '', 'abc', true, false, null, [], {}, [1, 2], { nested: { deep: [1] } }]

function poolFor(name: string, pools: Pools): number[] {
  if (/group/i.test(name)) return pools.groupIds
  if (/msg|mid/i.test(name)) return pools.msgIds
  if (/user|uid|roster|opposite|target|owner|list|conversation|to_id|^id$/i.test(name)) return [...pools.userIds, ...pools.groupIds]
  return pools.userIds
}

function types(schema: JsonSchema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
}

/** A value for `schema` (named `name`): mostly plausible, often wrong, sometimes absurd. */
export function valueArb(schema: JsonSchema, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches?.length) return fc.oneof(...branches.map((b) => valueArb(b, name, pools, depth + 1)))
  if (schema.enum?.length) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) })
  const kind = types(schema)[0]
  const wrong = fc.constantFrom(...WRONG_TYPES, ...ODD_STRINGS.slice(0, 8))
  if (kind === 'integer' || kind === 'number') {
    const min = Math.max(schema.minimum ?? -1000, -(2 ** 53))
    const max = Math.min(schema.maximum ?? 1000, 2 ** 53)
    return fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }) },
      { weight: 3, arbitrary: fc.constantFrom(...poolFor(name, pools)) },
      { weight: 2, arbitrary: fc.constantFrom(...HUGE_NUMBERS, min - 1, max + 1) },
      { weight: 1, arbitrary: wrong },
    )
  }
  if (kind === 'boolean')
    return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 'false', '1', '0', 'yes', 1, 0, null, '', []) })
  if (kind === 'array') {
    const item = valueArb(schema.items ?? {}, name, pools, depth + 1)
    const over = (schema.maxItems ?? 1000) + 1
    return fc.oneof(
      { weight: 4, arbitrary: fc.array(item, { maxLength: 4 }) },
      { weight: 1, arbitrary: item.map((v) => Array.from({ length: over }, () => v)) },
      { weight: 1, arbitrary: wrong },
    )
  }
  if (kind === 'object' && depth < 3) return objectArb(schema, pools, depth + 1)
  // Strings, and anything the document does not type (the facade's hand-read fields, legacy ids).
  const plausible = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern))
    : fc.oneof(fc.constantFrom(...pools.words), fc.string({ maxLength: 12 }), fc.constantFrom(...poolFor(name, pools).map(String)))
  const longest = schema.maxLength ?? 4000
  return fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: UNITS, maxLength: 16 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(longest + 1), '字'.repeat(Math.min(longest + 1, 70_000)), `${'a'.repeat(3000)}\u0000`) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...HUGE_NUMBERS), wrong) },
  )
}

/** An object with each property present or missing, and now and then one nobody asked for. */
export function objectArb(schema: JsonSchema, pools: Pools, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(schema.properties ?? {})
  const required = new Set(schema.required ?? [])
  const fields = entries.map(([name, property]) =>
    fc
      .option(valueArb(property, name, pools, depth), {
        nil: undefined,
        freq: required.has(name) ? 8 : 2,
      })
      .map((value) => [name, value] as const),
  )
  const extra = fc.option(
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'nick\u0000name', '', 'a.b', 'userVO.userId'), fc.constantFrom(...WRONG_TYPES, 'x')),
    { freq: 4 },
  )
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, added]) => {
    const object: Record<string, unknown> = {}
    for (const [name, value] of pairs) if (value !== undefined) object[name] = value
    if (added) Object.defineProperty(object, added[0], { value: added[1], enumerable: true, configurable: true, writable: true })
    return object
  })
}

export type Encoding =
  | 'json'
  | 'json-duplicates'
  | 'form'
  | 'form-duplicates'
  | 'query'
  | 'multipart'
  | 'text'
  | 'bad-json'
  | 'bad-utf8'
  | 'deep-json'
  | 'wrong-type'
  | 'empty'
  | 'latin1-charset'
export type Auth = 'none' | 'user' | 'other-user' | 'admin' | 'admin-as-user' | 'garbage' | 'mismatched'

export interface Generated {
  values: Record<string, unknown>
  pathValues: string[]
  encoding: Encoding
  auth: Auth
  oddQuery: string
}

const BODY_ENCODINGS: Encoding[] = [
  'json',
  'json',
  'json',
  'json-duplicates',
  'form',
  'form-duplicates',
  'query',
  'multipart',
  'text',
  'bad-json',
  'bad-utf8',
  'deep-json',
  'wrong-type',
  'empty',
  'latin1-charset',
]
const QUERY_ENCODINGS: Encoding[] = ['query', 'query', 'query', 'form-duplicates', 'bad-utf8']

/** A value `schema` accepts (as far as a schema can say), aimed at what exists: the start of a mutant request. */
export function validArb(schema: JsonSchema, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches?.length) return validArb(branches[0]!, name, pools, depth + 1)
  if (schema.enum?.length) return fc.constantFrom(...schema.enum)
  const kind = types(schema)[0]
  if (kind === 'integer' || kind === 'number') {
    const min = Math.max(schema.minimum ?? 0, -(2 ** 31))
    const max = Math.min(schema.maximum ?? 1000, 2 ** 31 - 1)
    const aimed = poolFor(name, pools).filter((id) => id >= min && id <= max)
    return aimed.length && max - min > 100
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...aimed) }, { weight: 1, arbitrary: fc.integer({ min, max }) })
      : fc.integer({ min, max })
  }
  if (kind === 'boolean') return fc.boolean()
  if (kind === 'array') return fc.array(validArb(schema.items ?? {}, name, pools, depth + 1), { minLength: Math.max(1, schema.minItems ?? 0), maxLength: 3 })
  if (kind === 'object') return depth < 3 ? validObjectArb(schema, pools, depth + 1) : fc.constant({})
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern))
  const maxLength = Math.min(schema.maxLength ?? 24, 24)
  const minLength = Math.min(schema.minLength ?? 0, maxLength)
  if (/id$|^uid$/i.test(name)) return fc.constantFrom(...poolFor(name, pools).map(String))
  if (/mobile|phone/i.test(name)) return fc.constantFrom('13800138000', '+8613912345678')
  if (/email/i.test(name)) return fc.constant('someone@example.test')
  return fc.oneof(
    fc.constantFrom(...pools.words.filter((w) => w.length >= minLength && w.length <= maxLength), 'x'.repeat(Math.max(minLength, 1))),
    fc.stringMatching(new RegExp(`^[a-z0-9_]{${Math.max(minLength, 1)},${Math.max(minLength, 1, Math.min(maxLength, 12))}}$`)),
  )
}

function validObjectArb(schema: JsonSchema, pools: Pools, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? [])
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    (required.has(name) ? validArb(property, name, pools, depth) : fc.option(validArb(property, name, pools, depth), { nil: undefined, freq: 2 })).map(
      (value) => [name, value] as const,
    ),
  )
  return fc.tuple(...fields).map((pairs) => Object.fromEntries(pairs.filter(([, value]) => value !== undefined)))
}

/** Anything at all in one place: text nobody types, numbers no column holds, the wrong type. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a\u0000b', '\u0000', 'esc\u001b[2J', 'del\u007f', 'c1\u0085', 'broken \ud83d surrogate', '\udc00') },
  { weight: 2, arbitrary: fc.constantFrom('invoice\u202Efdp.exe', 'ad\u200Bmin', '\uFEFFbom', 'a\u200Db', '\u3164', 'line\nbreak') },
  { weight: 4, arbitrary: fc.constantFrom(...HUGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom('2147483648', '9223372036854775808', '99999999999', '1e20', '-1', '13800138000') },
  { weight: 2, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: UNITS, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(70_000), `${'y'.repeat(5000)}\u0000`) },
)

/** A valid object with one thing wrong: one field odd, one field (or one item of a list) odd, one field missing, or nothing wrong. */
function mutate(values: Record<string, unknown>, schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...new Set([...Object.keys(values), ...Object.keys(schema.properties ?? {})])]
  if (keys.length === 0) return fc.constant(values)
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(values) },
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...keys), oddValue).map(([key, odd]) => ({ ...values, [key]: odd })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...keys), oddValue)
        .map(([key, odd]) => ({ ...values, [key]: Array.isArray(values[key]) ? [odd, ...(values[key] as unknown[]).slice(1)] : odd })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(values).filter(([k]) => k !== key))) },
  )
}

/**
 * One request: most are valid requests with one thing wrong (they reach past validation into the
 * rules and the database), the rest are wrong everywhere at once, in any encoding, with any credentials.
 */
export function requestArb(route: Route, pools: Pools): fc.Arbitrary<Generated> {
  const isGet = route.method === 'GET' || route.method === 'DELETE'
  const aimedPath = fc.constantFrom(...[...pools.groupIds, ...pools.userIds].map(String))
  const oddPath = fc.constantFrom(
    '0',
    '-1',
    '2147483648',
    '99999999999999999999',
    '1e20',
    'abc',
    '%00',
    '%ff',
    '..%2F..%2Fetc',
    'a'.repeat(300),
    '%E2%80%AE',
    'default-avatar.png',
    'avatars',
  )
  const paths = (value: fc.Arbitrary<string>) => fc.array(value, { minLength: route.pathParams.length, maxLength: route.pathParams.length })
  const mutant = fc.record({
    values: validObjectArb(route.params, pools).chain((values) => mutate(values, route.params)),
    pathValues: paths(fc.oneof({ weight: 4, arbitrary: aimedPath }, { weight: 1, arbitrary: oddPath })),
    encoding: fc.constantFrom<Encoding>(...(isGet ? (['query'] as const) : (['json', 'json', 'form', 'query'] as const))),
    auth: fc.constantFrom<Auth>('user', 'user', 'user', 'other-user', 'admin-as-user', 'admin', 'none'),
    oddQuery: fc.constant(''),
  })
  const chaos = fc.record({
    values: objectArb(route.params, pools),
    pathValues: paths(fc.oneof(aimedPath, oddPath)),
    encoding: fc.constantFrom(...(isGet ? QUERY_ENCODINGS : BODY_ENCODINGS)),
    auth: fc.constantFrom<Auth>('none', 'user', 'user', 'other-user', 'admin', 'admin-as-user', 'garbage', 'mismatched'),
    oddQuery: fc.constantFrom('', '', '', '&a=1&a=2', '&%ZZ=1', '&x[]=1&x[]=2', '&y[z]=1', '&=&&=', '&%00=%00'),
  })
  return fc.oneof({ weight: 3, arbitrary: mutant }, { weight: 2, arbitrary: chaos })
}

/** Percent-encodes text as UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser would send it). */
function percent(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : ''
}

/** `a=1&b=2`, arrays as repeated keys, objects as JSON text; `duplicate` repeats every key with a second value. */
function formOf(values: Record<string, unknown>, duplicate = false): string {
  const pairs: string[] = []
  for (const [key, value] of Object.entries(values)) {
    const items = Array.isArray(value) ? value : [value]
    for (const item of items) pairs.push(`${percent(key)}=${percent(scalar(item))}`)
    if (duplicate) pairs.push(`${percent(key)}=${percent('dup')}`)
  }
  return pairs.join('&')
}

function jsonWithDuplicates(values: Record<string, unknown>): string {
  const parts = Object.entries(values).flatMap(([key, value]) => [
    `${JSON.stringify(key)}:${JSON.stringify('first')}`,
    `${JSON.stringify(key)}:${JSON.stringify(value ?? null)}`,
  ])
  return `{${parts.join(',')}}`
}

function multipartOf(values: Record<string, unknown>): { body: Buffer; type: string } {
  const boundary = 'FuzzBoundary7MA4YWxk'
  const parts: Buffer[] = []
  for (const [key, value] of Object.entries(values)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key.replace(/"/g, '')}"\r\n\r\n${scalar(value)}\r\n`))
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` }
}

/** Credentials in the surface's own style. */
export interface Credentials {
  user: { id: number; token: string }
  other: { id: number; token: string }
  adminToken: string
}

function authHeaders(route: Route, auth: Auth, who: Credentials): Record<string, string> {
  const token = auth === 'other-user' ? who.other.token : auth === 'garbage' ? 'not-a-token-%$#' : who.user.token
  const uid = auth === 'other-user' ? who.other.id : who.user.id
  if (auth === 'none') return {}
  if (route.surface === 'legacy') {
    if (auth === 'admin' || auth === 'admin-as-user') return { uid: String(uid), accessToken: who.adminToken, client: 'fuzz-client' }
    return { uid: String(auth === 'mismatched' ? who.other.id : uid), accessToken: token, client: 'fuzz-client', expire: '0' }
  }
  if (route.surface === 'facade')
    return {
      authorization: auth === 'admin' || auth === 'admin-as-user' ? `Token ${who.adminToken}` : auth === 'mismatched' ? `Basic ${token}` : `Token ${token}`,
    }
  if (auth === 'admin') return { 'access-token': who.adminToken }
  if (auth === 'admin-as-user') return { 'access-token': who.adminToken, user_id: String(who.user.id) }
  if (auth === 'mismatched') return { authorization: `Bearer ${token}`, app_id: 'no-such-app' }
  return { 'access-token': token }
}

/** The inject options for one generated request. */
export function toInject(route: Route, generated: Generated, who: Credentials): InjectOptions {
  let url = route.path
  route.pathParams.forEach((name, i) => {
    url = url.replace(`{${name}}`, generated.pathValues[i] ?? '1')
  })
  const headers: Record<string, string> = authHeaders(route, generated.auth, who)
  const { values, encoding } = generated
  const isGet = route.method === 'GET' || route.method === 'DELETE'
  let query = ''
  let payload: string | Buffer | undefined
  switch (encoding) {
    case 'query':
      query = formOf(values)
      break
    case 'form-duplicates':
      if (isGet) query = formOf(values, true)
      else {
        payload = formOf(values, true)
        headers['content-type'] = 'application/x-www-form-urlencoded'
      }
      break
    case 'bad-utf8':
      if (isGet) query = `${formOf(values)}&bad=%FF%FE%C0%AF`
      else {
        payload = Buffer.concat([Buffer.from('{"value":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')])
        headers['content-type'] = 'application/json'
      }
      break
    case 'json':
      payload = JSON.stringify(values)
      headers['content-type'] = 'application/json'
      break
    case 'json-duplicates':
      payload = jsonWithDuplicates(values)
      headers['content-type'] = 'application/json'
      break
    case 'form':
      payload = formOf(values)
      headers['content-type'] = 'application/x-www-form-urlencoded'
      break
    case 'multipart': {
      const m = multipartOf(values)
      payload = m.body
      headers['content-type'] = m.type
      break
    }
    case 'text':
      payload = scalar(Object.values(values)[0] ?? 'plain text')
      headers['content-type'] = 'text/plain'
      break
    case 'bad-json':
      payload = JSON.stringify(values).slice(0, -1) || '{'
      headers['content-type'] = 'application/json'
      break
    case 'deep-json':
      payload = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
      headers['content-type'] = 'application/json'
      break
    case 'wrong-type':
      payload = Buffer.from([0, 1, 2, 3, 255])
      headers['content-type'] = 'application/octet-stream'
      break
    case 'empty':
      payload = ''
      headers['content-type'] = 'application/json'
      break
    case 'latin1-charset':
      payload = Buffer.from(JSON.stringify(values), 'latin1')
      headers['content-type'] = 'application/json; charset=latin1'
      break
  }
  const search = `${query}${generated.oddQuery}`.replace(/^&/, '')
  return { method: route.method, url: search ? `${url}?${search}` : url, headers, ...(payload !== undefined ? { payload } : {}) }
}
