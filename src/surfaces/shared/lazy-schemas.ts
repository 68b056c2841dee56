// Fastify's own schema compilers (ajv, fast-json-stringify), each route's validator and serializer compiled at its first use instead of before ready.
import type AjvCompiler from '@fastify/ajv-compiler'
import type SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'
import { lazily } from '../../platform/lazy.ts'

// Loaded with the first schema compiled (ajv, fast-json-stringify and their dependencies: ~70 ms of a start's CPU).
const loadAjvCompiler = lazily<typeof AjvCompiler>('@fastify/ajv-compiler')
const loadSerializerSelector = lazily<typeof SerializerSelector>('@fastify/fast-json-stringify-compiler')

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>
/** What Fastify hands a compiler for each schema of a route (ajv-compiler's own typings say a bare schema: it is not). */
interface RouteSchema {
  schema: unknown
  method: string
  url: string
  httpPart?: string
  httpStatus?: string
}
type Validate = ((data: unknown) => boolean) & { errors?: unknown }
type Compile<T> = (route: RouteSchema) => T
type Serialize = (doc: unknown) => string

/** The compilers of one app, and the routes' schemas not compiled yet. */
export interface LazySchemas {
  /** Fastify's `schemaController` option. */
  readonly schemaController: SchemaController
  /** Compiles the schemas still pending, one per turn of the event loop; settles with those that failed (none: every schema compiles), or null when stop() ended it first. */
  warm(): Promise<Array<{ route: string; error: unknown }> | null>
  /** Stops a warm() under way (the app is closing). */
  stop(): void
}

/**
 * Compiling every route's schemas was most of the CPU of a start (~400 routes: ~1 s of ajv and fast-json-stringify).
 * The compilers and their options are Fastify's defaults (ajv with `FastifyServerOptions.ajv`, fast-json-stringify
 * with `serializerOpts`); only when they run changes. A schema that does not compile fails its route's first
 * request (500) instead of the start: warm() finds such schemas, and a test runs it over every route.
 *
 * One difference a custom compilersFactory brings: Fastify no longer lower-cases the property names of `headers`
 * schemas for it. No route declares one; should one appear, this refuses it unless its names are lower case already.
 */
export function lazySchemas(): LazySchemas {
  const pending = new Map<() => unknown, string>()
  let stopped = false
  const later = <T>(route: string, compile: () => T): (() => T) => {
    let compiled: T | undefined
    const get = (): T => {
      if (compiled === undefined) {
        compiled = compile()
        pending.delete(get)
      }
      return compiled
    }
    pending.set(get, route)
    return get
  }
  type Factory<T> = (externalSchemas: unknown, options: unknown) => Compile<T>
  let ajvPool: Factory<Validate> | undefined
  let fjsPool: Factory<Serialize> | undefined
  const ajv: Factory<Validate> = (externalSchemas, options) => (ajvPool ??= loadAjvCompiler()() as unknown as Factory<Validate>)(externalSchemas, options)
  const fjs: Factory<Serialize> = (externalSchemas, options) =>
    (fjsPool ??= loadSerializerSelector()() as unknown as Factory<Serialize>)(externalSchemas, options)
  const compilersFactory = {
    buildValidator(externalSchemas: unknown, options: unknown): Compile<Validate> {
      // The compiler builds an Ajv instance (formats and all): not needed either until a schema is.
      let compiler: Compile<Validate> | undefined
      const compilerOf = () => (compiler ??= ajv(externalSchemas, options))
      return (route) => {
        if (route.httpPart === 'headers') refuseUpperCaseHeaders(route)
        return lazyValidator(later(`${route.method} ${route.url} ${route.httpPart}`, () => compilerOf()(route)))
      }
    },
    buildSerializer(externalSchemas: unknown, options: unknown): Compile<Serialize> {
      let compiler: Compile<Serialize> | undefined
      const compilerOf = () => (compiler ??= fjs(externalSchemas, options))
      return (route) => {
        const get = later(`${route.method} ${route.url} ${route.httpStatus}`, () => compilerOf()(route))
        return (doc) => get()(doc)
      }
    },
  }
  return {
    schemaController: { compilersFactory } as unknown as SchemaController,
    async warm() {
      stopped = false
      const failed: Array<{ route: string; error: unknown }> = []
      while (!stopped && pending.size > 0) {
        // Between two compiles the requests that came in are served: a turn of the loop each.
        await new Promise((resolve) => setImmediate(resolve))
        const next = pending.entries().next()
        if (next.done || stopped) break
        const [get, route] = next.value
        try {
          get()
        } catch (error) {
          pending.delete(get)
          failed.push({ route, error })
        }
      }
      return stopped ? null : failed
    },
    stop() {
      stopped = true
    },
  }
}

/**
 * A stand-in for ajv's validate function. Fastify reads `schemaEnv` before the call (to let ajv coerce a root
 * value) and `errors` after it: both come from the compiled function, compiled at the first of them.
 */
function lazyValidator(get: () => Validate): Validate {
  const validate = function (this: unknown, ...args: unknown[]) {
    return (get() as (...a: unknown[]) => boolean).apply(this, args)
  }
  for (const name of ['errors', 'schemaEnv', 'schema', 'evaluated', 'source'] as const) {
    Object.defineProperty(validate, name, {
      get: () => (get() as unknown as Record<string, unknown>)[name],
      set: (value: unknown) => ((get() as unknown as Record<string, unknown>)[name] = value),
    })
  }
  return validate
}

function refuseUpperCaseHeaders(route: RouteSchema): void {
  const { properties, required } = (route.schema ?? {}) as { properties?: object; required?: string[] }
  const names = [...Object.keys(properties ?? {}), ...(required ?? [])]
  if (names.some((name) => name !== name.toLowerCase())) {
    throw new Error(`${route.method} ${route.url}: header schema names must be lower case (Fastify does not lower-case them for a custom compiler)`)
  }
}
