// The `namespace/action!method` router: one legacy action per URL, form/JSON/query parameters merged and validated.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static, type TObject, type TProperties } from 'typebox'
import type { Actor } from '../../domain/actor.ts'
import { authenticateLegacy } from './auth.ts'
import { LegacyOk } from './envelope.ts'

/** URLs of the legacy surface, for the not-found handler. */
export const LEGACY_URL = /^\/(user\/user|chat\/group)!/

export interface LegacyContext<Auth extends boolean> {
  request: FastifyRequest
  reply: FastifyReply
  actor: Auth extends true ? Actor & { userId: number } : null
}

export interface LegacyAction<Auth extends boolean, P extends TObject, R extends TProperties> {
  /** e.g. `/user/user!login`. */
  url: string
  summary: string
  auth: Auth
  params?: P
  /** Fields of the success body after `success` and `info`, in the printed order. */
  response?: R
  handler(params: Static<P>, ctx: LegacyContext<Auth>): Promise<{ info: string } & Static<ReturnType<typeof Type.Object<R>>>>
}

const NoParams = Type.Object({})

export function legacyAction<Auth extends boolean, P extends TObject, R extends TProperties>(
  app: FastifyInstance,
  action: LegacyAction<Auth, P, R>,
): void {
  app.route({
    method: 'POST',
    url: action.url,
    schema: {
      summary: action.summary,
      tags: ['legacy'],
      body: action.params ?? NoParams,
      response: { 200: LegacyOk(action.response) },
    },
    // Authentication before body parsing and validation, but after the rate limiter's onRequest hook.
    ...(action.auth ? { preParsing: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => { await authenticateLegacy(request, reply); return payload } } : {}),
    // Old apps send form bodies, JSON or query strings: every placement counts, the body wins.
    preValidation: async (request) => {
      const body = typeof request.body === 'object' && request.body !== null && !Buffer.isBuffer(request.body) ? request.body : {}
      request.body = { ...(request.query as object), ...body }
    },
    handler: async (request, reply) => {
      const result = await action.handler(request.body as Static<P>, { request, reply, actor: request.actor } as LegacyContext<Auth>)
      return { success: true, ...result }
    },
  })
}

/** A legacy optional field: empty means "not set" (000, 001). */
export function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}
