// Declares a REST operation: schema in and out, auth mode, where its parameters live, and a handler returning `data`.
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify'
import type { Static, TObject, TSchema } from 'typebox'
import { Type } from 'typebox'
import type { Actor } from '../../domain/actor.ts'
import { authenticateRest, type RestAuth } from './auth.ts'
import { Envelope, ok } from './envelope.ts'

type ActorOf<A extends RestAuth> = A extends 'public' ? null : Actor
type UserIdOf<A extends RestAuth> = A extends 'user' ? number : number | null

export interface RestContext<A extends RestAuth> {
  appId: string
  actor: ActorOf<A>
  /** The user acted as (own token, or admin with user_id). */
  userId: UserIdOf<A>
  request: FastifyRequest
}

export interface RestOperation<A extends RestAuth, P extends TObject, D extends TSchema> {
  method: HTTPMethods | HTTPMethods[]
  url: string
  /** The document's title of the operation. */
  summary: string
  auth: A
  /** Where the document puts the parameters; the other placement is accepted too (semantics §8). */
  in?: 'query' | 'body'
  params?: P
  data: D
  handler(params: Static<P>, ctx: RestContext<A>): Promise<Static<D>>
}

const NoParams = Type.Object({})

export function restOperation<A extends RestAuth, P extends TObject, D extends TSchema>(
  app: FastifyInstance,
  op: RestOperation<A, P, D>,
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
      response: { 200: Envelope(op.data) },
    },
    onRequest: async (request) => authenticateRest(request, op.auth),
    // Each parameter is accepted in the query string and in the body; the documented placement wins.
    preValidation: async (request) => {
      const query = (request.query ?? {}) as Record<string, unknown>
      const body = isPlainObject(request.body) ? request.body : {}
      if (placement === 'query') request.query = { ...body, ...query }
      else request.body = { ...query, ...body }
    },
    handler: async (request) => {
      const input = (placement === 'query' ? request.query : request.body) as Static<P>
      const actor = request.actor
      const ctx = { appId: request.appId, actor, userId: actor?.userId ?? null, request } as RestContext<A>
      return ok(await op.handler(input, ctx))
    },
  })
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
}
