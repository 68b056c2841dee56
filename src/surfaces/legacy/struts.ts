// The `namespace/action!method` router: one legacy action per URL (also `….action`, GET or POST), parameters from anywhere, validated, ids read in one place.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static, type TObject, type TProperties } from 'typebox'
import type { Actor } from '../../domain/actor.ts'
import { DomainError } from '../../domain/errors.ts'
import { requestFields } from '../shared/form-fields.ts'
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
  /** The action reads a multipart body itself (a file upload): it is left unread for the handler. */
  takesFile?: boolean
  /** Fields of the success body after `success` and `info`, in the printed order. */
  response?: R
  handler(params: Static<P>, ctx: LegacyContext<Auth>): Promise<{ info: string } & Static<ReturnType<typeof Type.Object<R>>>>
}

const NoParams = Type.Object({})

/**
 * Registers the action the ways Struts served it: POST and GET, at `namespace/action!method` and with the
 * `.action` suffix. Parameters come from the query string and the body — urlencoded, JSON or multipart text
 * fields — the body winning, and are validated against `params` before the handler sees them.
 */
export function legacyAction<Auth extends boolean, P extends TObject, R extends TProperties>(app: FastifyInstance, action: LegacyAction<Auth, P, R>): void {
  const params = action.params ?? NoParams
  for (const url of [action.url, `${action.url}.action`]) {
    for (const method of ['POST', 'GET'] as const) {
      // Fastify validates no body on GET: there the merged parameters stand in for the query string and are validated as it.
      const place = method === 'GET' ? 'query' : 'body'
      app.route({
        method,
        url,
        schema: {
          summary: action.summary,
          tags: ['legacy'],
          [method === 'GET' ? 'querystring' : 'body']: params,
          response: { 200: LegacyOk(action.response) },
          // One documented route per action; the GET and `.action` twins behave the same.
          ...(method === 'POST' && url === action.url ? {} : { hide: true }),
        },
        // Authentication before the body is read, but after the rate limiter's onRequest hook.
        ...(action.auth
          ? {
              preParsing: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
                await authenticateLegacy(request, reply)
                return payload
              },
            }
          : {}),
        preValidation: async (request) => {
          request[place] = await requestFields(request, { readMultipart: !action.takesFile })
        },
        handler: async (request, reply) => {
          const result = await action.handler(validated<P>(request[place]), legacyContext(action.auth, request, reply))
          return { success: true, ...result }
        },
      })
    }
  }
}

/**
 * The action's parameters, which Fastify has validated against `params` before the handler runs. The one
 * narrowing of the surface: the type provider cannot resolve a schema that is a type parameter of this helper.
 */
function validated<P extends TObject>(input: unknown): Static<P> {
  return input as Static<P>
}

/** Who acts, as the action's `auth` promises it (authenticateLegacy admits a user's own token only). */
function legacyContext<Auth extends boolean>(_auth: Auth, request: FastifyRequest, reply: FastifyReply): LegacyContext<Auth> {
  return { request, reply, actor: request.actor } as LegacyContext<Auth>
}

/**
 * The one reading of a legacy id parameter ("22321"): a positive 32-bit number written as a string.
 * `what` names the kind of id in the refusal ("id", "user id").
 */
export function legacyId(value: string | undefined, name: string, what: 'id' | 'user id' = 'id'): number {
  const id = value?.trim() ?? ''
  if (!/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > 2 ** 31 - 1) {
    throw new DomainError('BAD_PARAMETER', `${name} must be ${what === 'id' ? 'an id' : 'a user id'} (a positive 32-bit number)`, {
      zh: `${name} 必须是${what === 'id' ? 'ID' : '用户ID'}（正整数）`,
    })
  }
  return Number(id)
}

/** An optional legacy id: empty is "not given". */
export function optionalLegacyId(value: string | undefined, name: string, what: 'id' | 'user id' = 'id'): number | undefined {
  return given(value) === undefined ? undefined : legacyId(value, name, what)
}

/** A legacy optional field: empty means "not set" (000, 001). */
export function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}
