// Declares a REST operation: schema in and out, auth mode, where its parameters live, and a handler returning `data`.
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify'
import type { Static, TObject, TProperties, TSchema } from 'typebox'
import { Type } from 'typebox'
import type { Actor } from '../../domain/actor.ts'
import { authenticateRest, type RestAuth } from './auth.ts'
import { Envelope, ok } from './envelope.ts'
import { isFields } from '../shared/form-fields.ts'

type ActorOf<A extends RestAuth> = A extends 'public' ? null : Actor
type UserIdOf<A extends RestAuth> = A extends 'user' ? number : number | null

export interface RestContext<A extends RestAuth> {
  appId: string
  actor: ActorOf<A>
  /** The user acted as (own token, or admin with user_id). */
  userId: UserIdOf<A>
  request: FastifyRequest
}

/**
 * What a handler returns: `data`, or — for operations whose envelope carries more than data
 * (`cursor`, `total`, `version` on paged lists) — `{ data, ...extra }`.
 */
export type RestResult<D extends TSchema, E extends TProperties> = [keyof E] extends [never] ? Static<D> : { data: Static<D> } & Static<TObject<E>>

export interface RestOperation<A extends RestAuth, P extends TObject, D extends TSchema, E extends TProperties = {}> {
  method: HTTPMethods | HTTPMethods[]
  url: string
  /** The document's title of the operation. */
  summary: string
  auth: A
  /** Where the document puts the parameters; the other placement is accepted too (semantics §8). */
  in?: 'query' | 'body'
  params?: P
  data: D
  /** Envelope fields beside `data`, e.g. `{ cursor: Type.Optional(Type.String()) }`. */
  extra?: E
  handler(params: Static<P>, ctx: RestContext<A>): Promise<RestResult<D, E>>
}

const NoParams = Type.Object({})

export function restOperation<A extends RestAuth, P extends TObject, D extends TSchema, E extends TProperties = {}>(
  app: FastifyInstance,
  op: RestOperation<A, P, D, E>,
): void {
  const methods = Array.isArray(op.method) ? op.method : [op.method]
  const placement = op.in ?? (methods.every((m) => m === 'GET') ? 'query' : 'body')
  const params = op.params ?? NoParams
  const tag = op.url.split('/')[1] ?? 'rest'
  app.route({
    method: methods,
    url: op.url,
    schema: {
      summary: op.summary,
      tags: [tag],
      ...(placement === 'query' ? { querystring: params } : { body: params }),
      response: { 200: Envelope(op.data, op.extra) },
    },
    // Authentication before body parsing and validation, but after the rate limiter's onRequest hook.
    preParsing: async (request, _reply, payload) => {
      await authenticateRest(request, op.auth)
      return payload
    },
    // Each parameter is accepted in the query string and in the body; the documented placement wins.
    preValidation: async (request) => {
      const query = isFields(request.query) ? request.query : {}
      // A bare string body (text/plain, or a JSON string) is the operation's `value`.
      const body = isFields(request.body) ? request.body : typeof request.body === 'string' ? { value: request.body } : {}
      if (placement === 'query') request.query = { ...body, ...query }
      else request.body = { ...query, ...body }
    },
    handler: async (request) => {
      const result = await op.handler(validated<P>(placement === 'query' ? request.query : request.body), restContext(op.auth, request))
      return op.extra ? { ...ok(undefined), ...(result as object) } : ok(result)
    },
  })
}

/**
 * The operation's parameters, which Fastify has validated against `params` (coercing and filling defaults)
 * before the handler runs. The one narrowing of the surface: the type provider cannot resolve a schema that is
 * a type parameter of this helper, so the helper states what validation established.
 */
function validated<P extends TSchema>(input: unknown): Static<P> {
  return input as Static<P>
}

/** Who acts, as the operation's auth mode promises it (authenticateRest refused every other caller). */
function restContext<A extends RestAuth>(_auth: A, request: FastifyRequest): RestContext<A> {
  const actor = request.actor
  return { appId: request.appId, actor, userId: actor?.userId ?? null, request } as RestContext<A>
}
