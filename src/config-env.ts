// Environment strings → config values and the first error, as TypeBox's Value.Convert/Default/Errors give them, without loading typebox/value (~0.1 s of CPU at start).
// Only the keywords the config schema uses are known here; test/ops/config.test.ts compares this with Value on many inputs.

/** The keywords of one config schema property (a TypeBox schema is plain JSON Schema). */
interface PropertySchema {
  type?: string
  const?: unknown
  anyOf?: PropertySchema[]
  default?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  pattern?: string
}

export interface ObjectSchema {
  properties: Record<string, unknown>
  required?: readonly string[]
}

/** Converts, fills defaults and checks `raw` in place; returns the first error as Value.Errors words it, or undefined. */
export function convertAndCheck(schema: ObjectSchema, raw: Record<string, unknown>): { name: string; message: string } | undefined {
  const required = new Set(schema.required ?? [])
  for (const [name, property] of Object.entries(schema.properties) as Array<[string, PropertySchema]>) {
    if (name in raw) raw[name] = convert(property, raw[name])
    else if (property.default !== undefined) raw[name] = property.default
  }
  for (const [name, property] of Object.entries(schema.properties) as Array<[string, PropertySchema]>) {
    if (!(name in raw)) {
      if (required.has(name)) return { name: '', message: `must have required properties ${name}` }
      continue
    }
    const message = check(property, raw[name])
    if (message !== undefined) return { name, message }
  }
  return undefined
}

function convert(schema: PropertySchema, value: unknown): unknown {
  if (typeof value !== 'string') return value
  if (schema.type === 'integer') {
    const number = toNumber(value)
    return number === undefined ? value : Math.trunc(number)
  }
  if (schema.type === 'boolean') {
    const lower = value.toLowerCase()
    return lower === 'true' || value === '1' ? true : lower === 'false' || value === '0' ? false : value
  }
  // strings and unions of string literals: a string stays what it is
  return value
}

const bigintPattern = /^-?(0|[1-9]\d*)n$/
const decimalPattern = /^-?(0|[1-9]\d*)\.\d+$/
const integerPattern = /^-?(0|[1-9]\d*)$/

/** TypeBox's TryNumber of a string: `+value` when finite, true/false as 1/0, else integer-like text within the safe range. */
function toNumber(value: string): number | undefined {
  const coerced = +value
  if (Number.isFinite(coerced)) return coerced
  const lower = value.toLowerCase()
  if (lower === 'false') return 0
  if (lower === 'true') return 1
  const digits = bigintPattern.test(value)
    ? value.slice(0, -1)
    : decimalPattern.test(value)
      ? value.split('.')[0]!
      : integerPattern.test(value)
        ? value
        : undefined
  if (digits === undefined) return undefined
  const big = BigInt(digits)
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : undefined
}

function check(schema: PropertySchema, value: unknown): string | undefined {
  if (schema.anyOf) {
    if (schema.anyOf.some((variant) => check(variant, value) === undefined)) return undefined
    return check(schema.anyOf[0]!, value)
  }
  if (schema.type === 'integer' && !Number.isInteger(value)) return 'must be integer'
  if (schema.type === 'string' && typeof value !== 'string') return 'must be string'
  if (schema.type === 'boolean' && typeof value !== 'boolean') return 'must be boolean'
  if (schema.const !== undefined && value !== schema.const) return 'must be equal to constant'
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && !(value >= schema.minimum)) return `must be >= ${schema.minimum}`
    if (schema.maximum !== undefined && !(value <= schema.maximum)) return `must be <= ${schema.maximum}`
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) return `must not have fewer than ${schema.minLength} characters`
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `must match pattern "${schema.pattern}"`
  }
  return undefined
}
