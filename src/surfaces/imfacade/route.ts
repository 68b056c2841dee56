// Declares a facade operation (003): its schemas, who may call it, and the one place a path id and a page are read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static, type TSchema } from 'typebox'
import type { Actor, UserActor } from '../../domain/actor.ts'
import { DomainError } from '../../domain/errors.ts'
import { header } from '../shared/request-context.ts'
import { requestFields, type Fields } from '../shared/form-fields.ts'
import { authenticateFacade } from './auth.ts'

/** `<id>` of a path: a group id as DRF's URL pattern captured it, read by `groupId`. */
const IdParams = Type.Object({ id: Type.String({ description: '群组 ID' }) })
const PageQuery = Type.Object({
  page: Type.Optional(Type.String({ description: '页码，从 1 开始' })),
  page_size: Type.Optional(Type.String({ description: '每页条数（默认 20，最多 100）' })),
})

/** What the router hands a facade route: the path's `<id>` where it has one, the page where it pages. */
interface FacadeRequest {
  Params: Partial<Static<typeof IdParams>>
  Querystring: Partial<Static<typeof PageQuery>>
}

const PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100
const INT32_MAX = 2 ** 31 - 1

/** user: a token is required; optional: anyone may call, but a token that is sent must be good (retrieve). */
export type FacadeAuth = 'user' | 'optional'

export interface FacadeContext {
  request: FastifyRequest
  reply: FastifyReply
  /** The caller; null only on an `optional` route called without a token. */
  actor: UserActor | null
  // Functions as properties, not methods: handlers destructure them, and they use no `this`.
  /** The caller of a `user` route. */
  user: () => UserActor
  /** The group the path names; an id that cannot exist is DRF's 404, like a group that does not. */
  groupId: () => number
  /** The page asked for (page, page_size), and how to answer it with DRF's absolute links. */
  page: () => FacadePage
  /** Every parameter of the request: query string, form, JSON or multipart text fields. */
  fields: () => Promise<Fields>
}

export interface FacadePage {
  offset: number
  limit: number
  answer<T>(count: number, results: T[]): { count: number; next: string | null; previous: string | null; results: T[] }
}

export interface FacadeOperation<R extends TSchema> {
  method: 'GET' | 'POST'
  /** With the trailing slash, as 003 prints it (the router answers without it too). */
  url: string
  summary: string
  auth: FacadeAuth
  /** The path names a group: `<id>`. */
  groupInPath?: boolean
  /** The answer is a DRF page (page, page_size). */
  paged?: boolean
  /** The success status: 200, or 201 for a creation. */
  status?: 200 | 201
  response: R
  handler(ctx: FacadeContext): Promise<Static<R>>
}

/** A DRF page: count, absolute next/previous links, results. */
export function Paged<T extends TSchema>(item: T) {
  return Type.Object({
    count: Type.Integer({ description: '总数' }),
    next: Type.Union([Type.String(), Type.Null()], { description: '下一页的 URL' }),
    previous: Type.Union([Type.String(), Type.Null()], { description: '上一页的 URL' }),
    results: Type.Array(item),
  })
}

export function facadeOperation<R extends TSchema>(app: FastifyInstance, op: FacadeOperation<R>): void {
  const publicUrl = app.config.PUBLIC_URL
  const status = op.status ?? 200
  app.route<FacadeRequest>({
    method: op.method,
    url: op.url,
    schema: {
      summary: op.summary,
      tags: ['im'],
      ...(op.groupInPath ? { params: IdParams } : {}),
      ...(op.paged ? { querystring: PageQuery } : {}),
      response: { [status]: op.response },
    },
    // A required token is checked after the rate limiter, before the body is read.
    ...(op.auth === 'user' ? { preParsing: authenticateFacade } : {}),
    handler: async (request, reply) => {
      const actor = op.auth === 'user' ? userActor(request.actor) : await optionalActor(request)
      const result = await op.handler({
        request,
        reply,
        actor,
        user: () => userActor(actor),
        groupId: () => groupId(request.params.id),
        page: () => pageOf(request, request.query, publicUrl),
        fields: () => requestFields(request),
      })
      return reply.status(status).send(result)
    },
  })
}

/** Anyone may call; a caller who sends a token must send a good one. */
async function optionalActor(request: FastifyRequest): Promise<UserActor | null> {
  if (!header(request.headers, 'authorization')) return null
  await authenticateFacade(request, undefined, undefined)
  return userActor(request.actor)
}

/** authenticateFacade admits user tokens only. */
function userActor(actor: Actor | null): UserActor {
  if (actor === null || actor.userId === null) throw new DomainError('TOKEN_MISSING')
  return { ...actor, userId: actor.userId }
}

function groupId(id: string | undefined): number {
  if (id === undefined || !/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > INT32_MAX)
    throw new DomainError('GROUP_NOT_FOUND', `group ${id} does not exist`)
  return Number(id)
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw new DomainError('BAD_PARAMETER', `${name} must be a positive integer`, { zh: `${name} 必须是正整数` })
  return Number(value)
}

function pageOf(request: FastifyRequest, query: FacadeRequest['Querystring'], publicUrl: string): FacadePage {
  const page = positive(query.page, 'page', 1)
  const size = Math.min(positive(query.page_size, 'page_size', PAGE_SIZE), MAX_PAGE_SIZE)
  const link = (target: number) => {
    const url = new URL(request.url, publicUrl)
    const absolute = new URL(`${publicUrl}${url.pathname}${url.search}`)
    // DRF leaves page=1 out of the previous link of page 2.
    if (target === 1) absolute.searchParams.delete('page')
    else absolute.searchParams.set('page', String(target))
    return absolute.toString()
  }
  return {
    offset: (page - 1) * size,
    limit: size,
    answer<T>(count: number, results: T[]) {
      if (page > 1 && (page - 1) * size >= count) throw new DomainError('ROUTE_NOT_FOUND', 'Invalid page.', { zh: '无效页面。' })
      return {
        count,
        next: page * size < count ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results,
      }
    },
  }
}
