// The REST contract: every operation of spec/rest-api.json is routed, with every documented field in its schemas.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp } from '../helpers/app.ts'
import { PENDING_OPERATIONS } from './pending-operations.ts'

interface Field {
  name: string
  type?: string
  fields?: Field[]
}
interface Operation {
  section: string
  title: string
  method: string
  path: string
  query: Field[]
  body: Field[]
  response: Field[]
}
type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] }

const root = join(import.meta.dirname, '..', '..')
const specText = readFileSync(join(root, 'spec', 'rest-api.json'), 'utf8')
const operations = JSON.parse(specText) as Operation[]

t.test('spec/rest-api.json lists the operations of the REST document (docs/api/002), in its order', async (t) => {
  const document = readFileSync(join(root, 'docs', 'api', '002_90abb4131541dee2.txt'), 'utf8')
  // Each operation of the document opens with "## <section>\t<title>" and, below it, "> <METHOD>  <path>".
  const documented = [...document.matchAll(/^## (\d+\.\d+)\t(.*)\n+> ([A-Z]+) +(\S+)/gm)].map((m) => `${m[1]} ${m[2]!.trim()}: ${m[3]} ${m[4]}`)
  t.equal(documented.length, 180, 'the document has 180 operations')
  t.same(
    operations.map((o) => `${o.section} ${o.title}: ${o.method} ${o.path}`),
    documented,
  )
})

/** The schema branches a value may take: nullable fields are anyOf [T, null]. */
function branches(schema: Schema): Schema[] {
  return schema.anyOf ? schema.anyOf.flatMap(branches) : [schema]
}

function typeMatches(documented: string, schema: Schema): boolean {
  const types = branches(schema)
    .flatMap((s) => [s.type].flat())
    .filter(Boolean) as string[]
  if (documented === 'int32' || documented === 'int64') return types.includes('integer')
  if (documented.startsWith('array')) return types.includes('array')
  if (documented === 'object') return types.includes('object') || types.length === 0
  return types.includes(documented)
}

/** Serialisation artifacts of the original server that clients never read (semantics §5): left out on purpose. */
const isArtifact = (name: string) => name.startsWith('set_') || name === 'messages_iterator'

/** Documented fields missing from a schema or typed differently, as `path: reason`. */
function mismatches(fields: Field[], schema: Schema | undefined, at: string): string[] {
  const properties = Object.assign({}, ...branches(schema ?? {}).map((s) => s.properties ?? {})) as Record<string, Schema>
  return fields
    .filter((field) => !isArtifact(field.name))
    .flatMap((field) => {
      const own = properties[field.name]
      const path = `${at}${field.name}`
      if (!own) return [`${path}: missing`]
      if (field.type && !typeMatches(field.type, own)) return [`${path}: documented ${field.type}, schema ${JSON.stringify(own.type ?? own.anyOf)}`]
      if (!field.fields?.length) return []
      const inner = branches(own).find((s) => s.items || s.properties)
      return mismatches(field.fields, inner?.items ?? inner, `${path}.`)
    })
}

/**
 * Paged lists whose `data` the document types as a bare `object` (no fields) but which are lists: the
 * later edition of the same API documents each of them as `array[object]`, and that is what is served.
 */
const DATA_SERVED_AS_ARRAY = new Set(['POST /group/application_list', 'GET /group/banned_list', 'GET /group/blocked_list', 'GET /group/invitation_list'])

function documentedResponse(key: string, fields: Field[]): Field[] {
  if (!DATA_SERVED_AS_ARRAY.has(key)) return fields
  return fields.map((f) => (f.name === 'data' && f.type === 'object' && !f.fields?.length ? { ...f, type: 'array[object]' } : f))
}

t.test('every operation is routed, and its schemas hold every documented field', async (t) => {
  const app = await buildTestApp(t)
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ name: string; in: string; schema: Schema }>
          requestBody?: { content: Record<string, { schema: Schema }> }
          responses: Record<string, { content?: Record<string, { schema: Schema }> }>
        }
      >
    >
  }>()
  const keys = new Set(operations.map((o) => `${o.method} ${o.path}`))
  t.same(
    [...PENDING_OPERATIONS].filter((k) => !keys.has(k)),
    [],
    'the pending list names only real operations',
  )

  for (const op of operations) {
    const key = `${op.method} ${op.path}`
    const routed = app.hasRoute({ method: op.method, url: op.path })
    if (PENDING_OPERATIONS.has(key)) {
      t.notOk(routed, `${key} is routed: take it off the pending list`)
      continue
    }
    if (!t.ok(routed, `${op.section} ${key} is routed`)) continue
    const described = doc.paths[op.path]?.[op.method.toLowerCase()]
    if (!t.ok(described, `${key} is in the OpenAPI document`) || !described) continue

    const requestProps: Record<string, Schema> = {}
    for (const p of described.parameters ?? []) if (p.in === 'query') requestProps[p.name] = p.schema
    Object.assign(requestProps, described.requestBody?.content['application/json']?.schema.properties ?? {})
    t.same(mismatches([...op.query, ...op.body], { properties: requestProps }, ''), [], `${key}: request fields`)

    const response = described.responses['200']?.content?.['application/json']?.schema
    t.same(
      mismatches(
        documentedResponse(key, op.response).filter((f) => f.name !== 'message'),
        response,
        '',
      ),
      [],
      `${key}: response fields`,
    )
  }
})
