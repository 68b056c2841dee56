// /roster/*: friend applications, friendship, blacklist, roster lists and user searches (002 §8).
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { Type, type Static, type TObject } from 'typebox'
import type { UserActor } from '../../domain/actor.ts'
import type { RosterEntry } from '../../domain/roster/roster.types.ts'
import { restOperation, type RestContext } from './route.ts'
import {
  ApplicationData,
  ApplyBatchParams,
  ApplyParams,
  BatchData,
  DeclineParams,
  DetailsParams,
  ExtParams,
  MayMessageParams,
  MobileParams,
  OneUserParams,
  PageExtra,
  PageParams,
  RosterEntryData,
  SearchIdParams,
  UsernameParams,
  renderApplication,
  renderRosterEntry,
} from './roster.schemas.ts'

const Done = Type.Boolean({ description: '结果数据' })

/** The acting user of a route with auth 'user'. */
function me(ctx: RestContext<'user'>): UserActor {
  return { ...ctx.actor, userId: ctx.userId }
}

export function rosterRoutes(app: FastifyInstance): void {
  const roster = () => app.services.roster
  const publicUrl = () => app.config.PUBLIC_URL

  /** The operations whose one parameter is the other user, in the query string (semantics §8); they answer true. */
  const oneUserOperation = (method: HTTPMethods[], url: string, summary: string, use: (actor: UserActor, userId: number) => Promise<void>) =>
    restOperation(app, {
      method,
      url,
      summary,
      auth: 'user',
      in: 'query',
      params: OneUserParams,
      data: Done,
      handler: async (p, ctx) => {
        await use(me(ctx), p.user_id)
        return true
      },
    })

  /** The searches: one user as the caller sees it. */
  const searchOperation = <P extends TObject>(url: string, summary: string, params: P, find: (actor: UserActor, p: Static<P>) => Promise<RosterEntry>) =>
    restOperation(app, {
      method: 'GET',
      url,
      summary,
      auth: 'user',
      params,
      data: RosterEntryData,
      handler: async (p, ctx) => renderRosterEntry(await find(me(ctx), p), publicUrl()),
    })

  /** POST /roster/apply */
  restOperation(app, {
    method: 'POST',
    url: '/roster/apply',
    summary: '申请加好友',
    auth: 'user',
    params: ApplyParams,
    data: Done,
    handler: async (p, ctx) => {
      await roster().apply(me(ctx), { userId: p.user_id, reason: p.reason, alias: p.alias, authAnswer: p.auth_answer })
      return true
    },
  })

  /** POST /roster/apply/batch */
  restOperation(app, {
    method: 'POST',
    url: '/roster/apply/batch',
    summary: '批量添加好友',
    auth: 'admin',
    params: ApplyBatchParams,
    data: BatchData,
    handler: async (p, { actor }) => {
      const userIds = [...(p.user_id !== undefined ? [p.user_id] : []), ...(p.user_ids ?? [])]
      const result = await roster().applyBatch(actor, { userIds, reason: p.reason, alias: p.alias })
      return { fails: result.fails.map((f) => ({ reason: f.reason, user_id: f.userId })), success: result.success }
    },
  })

  /** GET /roster/apply/list */
  restOperation(app, {
    method: 'GET',
    url: '/roster/apply/list',
    summary: '好友申请列表',
    auth: 'user',
    params: Type.Object({
      ...PageParams.properties,
      include_sent: Type.Boolean({ default: false, description: '是否也列出自己发出的申请（本服务扩展；默认只列收到的，即可以同意或拒绝的）' }),
    }),
    data: Type.Array(ApplicationData, { description: '结果数据：收到的好友申请（include_sent 时也有发出的），新的在前' }),
    extra: PageExtra,
    handler: async (p, ctx) => {
      const page = await roster().applications(me(ctx), { cursor: p.cursor, limit: p.limit }, p.include_sent)
      return { data: page.items.map(renderApplication), cursor: page.cursor, version: page.version }
    },
  })

  /** POST|PUT /roster/accept */
  oneUserOperation(['POST', 'PUT'], '/roster/accept', '同意好友申请', (actor, id) => roster().accept(actor, id))

  /** POST|PUT /roster/decline */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/roster/decline',
    summary: '拒绝好友申请',
    auth: 'user',
    params: DeclineParams,
    data: Done,
    handler: async (p, ctx) => {
      await roster().decline(me(ctx), p.user_id, p.reason ?? '')
      return true
    },
  })

  /** POST|DELETE /roster/delete */
  oneUserOperation(['POST', 'DELETE'], '/roster/delete', '删除好友', (actor, id) => roster().remove(actor, id))

  /** POST|PUT /roster/ext */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/roster/ext',
    summary: '更新好友扩展信息',
    auth: 'user',
    params: ExtParams,
    data: Done,
    handler: async (p, ctx) => {
      await roster().updateExt(me(ctx), p.user_id, { alias: p.alias, ext: p.ext, muteNotification: p.mute_notification })
      return true
    },
  })

  /** GET /roster/list */
  restOperation(app, {
    method: 'GET',
    url: '/roster/list',
    summary: '好友列表',
    auth: 'user',
    params: PageParams,
    data: Type.Array(Type.Integer(), { description: '结果数据：好友用户ID，按ID升序' }),
    extra: PageExtra,
    handler: async (p, ctx) => {
      const page = await roster().friendIds(me(ctx), { cursor: p.cursor, limit: p.limit })
      return { data: page.items, cursor: page.cursor, version: page.version }
    },
  })

  /** POST /roster/list */
  restOperation(app, {
    method: 'POST',
    url: '/roster/list',
    summary: '好友详情列表',
    auth: 'user',
    params: DetailsParams,
    data: Type.Array(RosterEntryData, { description: '结果数据' }),
    handler: async (p, ctx) => {
      const entries = await roster().details(me(ctx), p.list)
      return entries.map((e) => renderRosterEntry(e, publicUrl()))
    },
  })

  /** POST|PUT /roster/block */
  oneUserOperation(['POST', 'PUT'], '/roster/block', '添加黑名单', (actor, id) => roster().block(actor, id))

  /** POST|DELETE /roster/unblock */
  oneUserOperation(['POST', 'DELETE'], '/roster/unblock', '从黑名单移除', (actor, id) => roster().unblock(actor, id))

  /** GET /roster/blocked_list */
  restOperation(app, {
    method: 'GET',
    url: '/roster/blocked_list',
    summary: '黑名单列表',
    auth: 'user',
    data: Type.Array(Type.Integer(), { description: '结果数据：黑名单中的用户ID' }),
    handler: async (_p, ctx) => roster().blockedList(me(ctx)),
  })

  /** GET /roster/id */
  searchOperation('/roster/id', '用ID搜索用户', SearchIdParams, (actor, p) => roster().findById(actor, p.user_id))

  /** GET /roster/mobile */
  searchOperation('/roster/mobile', '用手机号搜索用户', MobileParams, (actor, p) => roster().findByMobile(actor, p.mobile))

  /** GET /roster/name */
  searchOperation('/roster/name', '用用户名搜索用户', UsernameParams, (actor, p) => roster().findByUsername(actor, p.username))

  /** GET /roster/may_message */
  restOperation(app, {
    method: 'GET',
    url: '/roster/may_message',
    summary: '是否允许发消息',
    auth: 'any',
    params: MayMessageParams,
    data: Done,
    handler: async (p, { actor }) => roster().mayMessageAs(actor, { userId: p.user_id, rosterId: p.roster_id }),
  })
}
