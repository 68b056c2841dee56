// /api/im/group/… and /api/im/retrieve/<id>/ of 003 (semantics §7); with or without the trailing slash.
import { displayMobile } from '../../domain/accounts/mobile.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import type { Services } from '../../domain/services.ts'
import type { Group } from '../../domain/groups/groups.types.ts'
import { header } from '../shared/request-context.ts'
import { absoluteUrl, DEFAULT_AVATAR_PATH, DEFAULT_COVER_PATH, documentedPath, FACADE_PATHS } from '../shared/urls.ts'
import { requestFields, type Fields } from '../shared/form-fields.ts'
import { authenticateFacade } from './auth.ts'
import { checkDisplayName, checkText } from '../shared/text-guard.ts'

const GroupData = Type.Object({
  id: Type.Integer({ description: '群组 ID' }),
  name: Type.String({ description: '群组名称' }),
  code: Type.String({ description: '面对面建群的号码（只有成员可见，其他人为空）' }),
  cover: Type.String({ description: '群组图标 URL' }),
})

const UserData = Type.Object({
  id: Type.Integer({ description: '用户id' }),
  name: Type.String({ description: '用户真名' }),
  nick: Type.String({ description: '用户昵称' }),
  avatar: Type.String({ description: '头像 URL' }),
  username: Type.String({ description: '用户登录手机（没有手机号时为用户名）' }),
  level: Type.String({ description: '用户认证等级' }),
})

const Detail = Type.Object({ detail: Type.String({ description: '提示消息' }) })
const DONE = { detail: '操作成功' }

const IdParams = Type.Object({ id: Type.String({ description: '群组 ID' }) })
const PageQuery = Type.Object({
  page: Type.Optional(Type.String({ description: '页码，从 1 开始' })),
  page_size: Type.Optional(Type.String({ description: '每页条数（默认 20，最多 100）' })),
})

/** A DRF page: count, absolute next/previous links, results. */
function Paged(item: TSchema) {
  return Type.Object({
    count: Type.Integer({ description: '总数' }),
    next: Type.Union([Type.String(), Type.Null()], { description: '下一页的 URL' }),
    previous: Type.Union([Type.String(), Type.Null()], { description: '上一页的 URL' }),
    results: Type.Array(item),
  })
}

const PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new DomainError('BAD_PARAMETER', `${name} must be a positive integer`, { zh: `${name} 必须是正整数` })
  return Number(value)
}

function groupId(request: FastifyRequest): number {
  const { id } = request.params as { id: string }
  if (!/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > 2 ** 31 - 1) throw new DomainError('GROUP_NOT_FOUND', `group ${id} does not exist`)
  return Number(id)
}

/** page / page_size of a request, and how to answer that page with DRF's absolute links. */
function pageOf(request: FastifyRequest, publicUrl: string) {
  const query = request.query as { page?: string; page_size?: string }
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

/** A parameter as a string: from the query string, a form, JSON or the text fields of a multipart body. */
function field(fields: Fields, name: string): string | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  return String(value)
}

/**
 * The create form: its fields from the query string and a form, JSON or multipart body, and the `cover`
 * file stored as it streams in (checked by content and size); a failure midway leaves no stored file behind.
 */
async function readCreateForm(request: FastifyRequest, groups: Services['groups']): Promise<{ fields: Fields; cover?: string }> {
  if (!request.isMultipart()) {
    const fields = await requestFields(request)
    checkFormText(fields)
    return { fields }
  }
  const fields: Fields = { ...(request.query as Fields) }
  let cover: string | undefined
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value)
      else if (part.fieldname === 'cover' && cover === undefined) cover = await groups.storeCover(request.actor!, part.file)
      else part.file.resume() // another file: read past it
    }
    checkFormText(fields)
  } catch (error) {
    if (cover) await groups.discardCover(cover)
    throw error
  }
  return { fields, cover }
}

/** Multipart fields pass no schema: the text rules of every other parameter, and `name` is a name people see. */
function checkFormText(fields: Fields): void {
  checkText(fields)
  const name = field(fields, 'name')
  if (name !== undefined) checkDisplayName(name, 'name')
}

export function groupFacadeRoutes(app: FastifyInstance): void {
  const { groups, groupAdmission } = app.services
  const publicUrl = app.config.PUBLIC_URL
  // Pictures at the path shapes 003 prints (…/media/group/…, …/media/assets/media/avatar/default.jpg).
  const picture = (stored: string, fallback: string) => absoluteUrl(documentedPath(stored, FACADE_PATHS) || fallback, publicUrl)
  const render = (group: Group) => ({ id: group.id, name: group.name, code: group.code, cover: picture(group.avatar, DEFAULT_COVER_PATH) })

  /** POST /api/im/group/ */
  app.post('/api/im/group/', {
    schema: {
      summary: '创建群组（创建人自动入群）：name, code（面对面建群号码，可空）, cover（群组图标，multipart 文件）',
      tags: ['im'],
      response: { 201: GroupData },
    },
    preParsing: authenticateFacade,
  }, async (request, reply) => {
    const actor = request.actor!
    const { fields, cover } = await readCreateForm(request, groups)
    const code = (field(fields, 'code') ?? '').trim()
    const view = await groups.create(actor, {
      name: (field(fields, 'name') ?? '').trim(), code, avatar: cover, uploadedAvatar: cover !== undefined,
      // 000's project groups admitted every applicant: so do the facade's, unless a face-to-face code was set,
      // which then is the way in (an application from another surface waits for an admin instead).
      applyApproval: code === '' ? 0 : 1,
    })
    return reply.status(201).send(render(view.group))
  })

  /** GET /api/im/group/ */
  app.get('/api/im/group/', {
    schema: { summary: '我加入的群组列表', tags: ['im'], querystring: PageQuery, response: { 200: Paged(GroupData) } },
    preParsing: authenticateFacade,
  }, async (request) => {
    const page = pageOf(request, publicUrl)
    const joined = await groups.joined(request.actor!)
    return page.answer(joined.length, joined.slice(page.offset, page.offset + page.limit).map((v) => render(v.group)))
  })

  /** POST /api/im/group/<id>/join/ */
  app.post('/api/im/group/:id/join/', {
    schema: {
      summary: '拉人进组：把自己的好友加入群组（调用者须为成员）',
      tags: ['im'],
      params: IdParams,
      response: { 200: Type.Object({ userid: Type.String({ description: '被邀请的好友用户的 ID' }) }) },
    },
    preParsing: authenticateFacade,
  }, async (request) => {
    const raw = field(await requestFields(request), 'userid')
    if (raw === undefined || !/^\d{1,10}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 2 ** 31 - 1) {
      throw new DomainError('BAD_PARAMETER', 'userid is required: the id of a friend to add', { zh: 'userid 必须是通讯录中好友的用户ID' })
    }
    await groupAdmission.addFriend(request.actor!, groupId(request), Number(raw))
    return { userid: String(Number(raw)) }
  })

  /** POST /api/im/group/<id>/invite/ */
  app.post('/api/im/group/:id/invite/', {
    schema: { summary: '面对面加组：以群组的面对面号码加入', tags: ['im'], params: IdParams, response: { 200: Detail } },
    preParsing: authenticateFacade,
  }, async (request) => {
    const code = (field(await requestFields(request), 'code') ?? '').trim()
    if (code === '') throw new DomainError('BAD_PARAMETER', 'code is required: the face-to-face code of the group', { zh: 'code 不能为空：请输入面对面建群的号码' })
    await groupAdmission.joinByCode(request.actor!, groupId(request), code)
    return DONE
  })

  /** GET /api/im/group/<id>/quit/ */
  app.get('/api/im/group/:id/quit/', {
    schema: { summary: '退出群组（群主不能退出）', tags: ['im'], params: IdParams, response: { 200: Detail } },
    preParsing: authenticateFacade,
  }, async (request) => {
    await groups.leave(request.actor!, groupId(request))
    return DONE
  })

  /** GET /api/im/group/<id>/dismiss/ */
  app.get('/api/im/group/:id/dismiss/', {
    schema: { summary: '解散群组（只有群主）', tags: ['im'], params: IdParams, response: { 200: Detail } },
    preParsing: authenticateFacade,
  }, async (request) => {
    await groups.destroy(request.actor!, groupId(request))
    return DONE
  })

  /** GET /api/im/group/<id>/users/ */
  app.get('/api/im/group/:id/users/', {
    schema: { summary: '组内成员列表（分页：page, page_size）', tags: ['im'], params: IdParams, querystring: PageQuery, response: { 200: Paged(UserData) } },
    preParsing: authenticateFacade,
  }, async (request) => {
    const page = pageOf(request, publicUrl)
    const { group, members } = await groups.membersWithUsers(request.actor!, groupId(request), { offset: page.offset, limit: page.limit })
    return page.answer(group.memberCount, members.map((m) => ({
      id: m.userId,
      name: '',
      nick: m.user.nickName,
      avatar: picture(m.user.avatar, DEFAULT_AVATAR_PATH),
      username: displayMobile(m.user.mobile) ?? m.user.username ?? '',
      level: '',
    })))
  })

  /** GET /api/im/retrieve/<id>/ */
  app.get('/api/im/retrieve/:id/', {
    schema: { summary: '查看群详情（任意用户；面对面号码只有成员可见）', tags: ['im'], params: IdParams, response: { 200: GroupData } },
  }, async (request) => {
    // Anyone may look; a caller who sends a token must send a good one, and a member sees the code.
    const userId = header(request.headers, 'authorization') ? await authenticateFacade(request, undefined, undefined).then(() => request.actor!.userId) : null
    return render(await groups.publicView(app.config.DEFAULT_APP_ID, groupId(request), userId))
  })
}
