// /api/im/group/… and /api/im/retrieve/<id>/ of 003 (semantics §7); with or without the trailing slash.
import { displayMobile } from '../../domain/accounts/mobile.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import type { Services } from '../../domain/services.ts'
import type { Group } from '../../domain/groups/groups.types.ts'
import type { UserActor } from '../../domain/actor.ts'
import { absoluteUrl, DEFAULT_AVATAR_PATH, DEFAULT_COVER_PATH, documentedPath, FACADE_PATHS } from '../shared/urls.ts'
import { isFields, requestFields, type Fields } from '../shared/form-fields.ts'
import { facadeOperation, Paged } from './route.ts'
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

/** A parameter as a string: from the query string, a form, JSON or the text fields of a multipart body. */
function field(fields: Fields, name: string): string | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  // A structured value (JSON object or array, repeated query key) is no parameter: its JSON text goes on to fail the checks.
  return JSON.stringify(value)
}

/**
 * The create form: its fields from the query string and a form, JSON or multipart body, and the `cover`
 * file stored as it streams in (checked by content and size); a failure midway leaves no stored file behind.
 */
async function readCreateForm(request: FastifyRequest, actor: UserActor, groups: Services['facadeGroups']): Promise<{ fields: Fields; cover?: string }> {
  if (!request.isMultipart()) {
    const fields = await requestFields(request)
    checkFormText(fields)
    return { fields }
  }
  const fields: Fields = { ...(isFields(request.query) ? request.query : {}) }
  let cover: string | undefined
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') fields[part.fieldname] = String(part.value)
      else if (part.fieldname === 'cover' && cover === undefined) cover = await groups.storeCover(actor, part.file)
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
  const { groups, facadeGroups, groupAdmission } = app.services
  const publicUrl = app.config.PUBLIC_URL
  // Pictures at the path shapes 003 prints (…/media/group/…, …/media/assets/media/avatar/default.jpg).
  const picture = (stored: string, fallback: string) => absoluteUrl(documentedPath(stored, FACADE_PATHS) || fallback, publicUrl)
  const render = (group: Group) => ({ id: group.id, name: group.name, code: group.code, cover: picture(group.avatar, DEFAULT_COVER_PATH) })

  /** POST /api/im/group/ */
  facadeOperation(app, {
    method: 'POST',
    url: '/api/im/group/',
    auth: 'user',
    status: 201,
    response: GroupData,
    summary: '创建群组（创建人自动入群）：name, code（面对面建群号码，可空）, cover（群组图标，multipart 文件）',
    handler: async ({ request, user }) => {
      const actor = user()
      const { fields, cover } = await readCreateForm(request, actor, facadeGroups)
      const code = (field(fields, 'code') ?? '').trim()
      const view = await groups.create(actor, {
        name: (field(fields, 'name') ?? '').trim(),
        code,
        avatar: cover,
        uploadedAvatar: cover !== undefined,
        // 000's project groups admitted every applicant: so do the facade's, unless a face-to-face code was set,
        // which then is the way in (an application from another surface waits for an admin instead).
        applyApproval: code === '' ? 0 : 1,
      })
      return render(view.group)
    },
  })

  /** GET /api/im/group/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/group/',
    summary: '我加入的群组列表',
    auth: 'user',
    paged: true,
    response: Paged(GroupData),
    handler: async ({ user, page }) => {
      const at = page()
      const joined = await groups.joined(user())
      return at.answer(
        joined.length,
        joined.slice(at.offset, at.offset + at.limit).map((v) => render(v.group)),
      )
    },
  })

  /** POST /api/im/group/<id>/join/ */
  facadeOperation(app, {
    method: 'POST',
    url: '/api/im/group/:id/join/',
    summary: '拉人进组：把自己的好友加入群组（调用者须为成员）',
    auth: 'user',
    groupInPath: true,
    response: Type.Object({ userid: Type.String({ description: '被邀请的好友用户的 ID' }) }),
    handler: async ({ user, groupId, fields }) => {
      const raw = field(await fields(), 'userid')
      if (raw === undefined || !/^\d{1,10}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 2 ** 31 - 1) {
        throw new DomainError('BAD_PARAMETER', 'userid is required: the id of a friend to add', { zh: 'userid 必须是通讯录中好友的用户ID' })
      }
      await groupAdmission.addFriend(user(), groupId(), Number(raw))
      return { userid: String(Number(raw)) }
    },
  })

  /** POST /api/im/group/<id>/invite/ */
  facadeOperation(app, {
    method: 'POST',
    url: '/api/im/group/:id/invite/',
    summary: '面对面加组：以群组的面对面号码加入',
    auth: 'user',
    groupInPath: true,
    response: Detail,
    handler: async ({ user, groupId, fields }) => {
      const code = (field(await fields(), 'code') ?? '').trim()
      if (code === '')
        throw new DomainError('BAD_PARAMETER', 'code is required: the face-to-face code of the group', { zh: 'code 不能为空：请输入面对面建群的号码' })
      await groupAdmission.joinByCode(user(), groupId(), code)
      return DONE
    },
  })

  /** GET /api/im/group/<id>/quit/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/group/:id/quit/',
    summary: '退出群组（群主不能退出）',
    auth: 'user',
    groupInPath: true,
    response: Detail,
    handler: async ({ user, groupId }) => {
      await groups.leave(user(), groupId())
      return DONE
    },
  })

  /** GET /api/im/group/<id>/dismiss/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/group/:id/dismiss/',
    summary: '解散群组（只有群主）',
    auth: 'user',
    groupInPath: true,
    response: Detail,
    handler: async ({ user, groupId }) => {
      await groups.destroy(user(), groupId())
      return DONE
    },
  })

  /** GET /api/im/group/<id>/users/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/group/:id/users/',
    summary: '组内成员列表（分页：page, page_size）',
    auth: 'user',
    groupInPath: true,
    paged: true,
    response: Paged(UserData),
    handler: async ({ user, groupId, page }) => {
      const at = page()
      const { group, members } = await facadeGroups.membersWithUsers(user(), groupId(), { offset: at.offset, limit: at.limit })
      return at.answer(
        group.memberCount,
        members.map((m) => ({
          id: m.userId,
          name: '',
          nick: m.user.nickName,
          avatar: picture(m.user.avatar, DEFAULT_AVATAR_PATH),
          username: displayMobile(m.user.mobile) ?? m.user.username ?? '',
          level: '',
        })),
      )
    },
  })

  /** GET /api/im/retrieve/<id>/ */
  facadeOperation(app, {
    method: 'GET',
    url: '/api/im/retrieve/:id/',
    summary: '查看群详情（任意用户；面对面号码只有成员可见）',
    auth: 'optional',
    groupInPath: true,
    response: GroupData,
    // Anyone may look; a member sees the code.
    handler: async ({ actor, groupId }) => render(await facadeGroups.publicView(app.config.DEFAULT_APP_ID, groupId(), actor?.userId ?? null)),
  })
}
