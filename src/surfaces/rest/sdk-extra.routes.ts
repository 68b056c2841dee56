// Calls MaxIM's SDK makes that 002 lacks and that fit this product: anonymous registration, group do-not-disturb, and the group QR code under MaxIM's /app paths.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { md5Hex } from '../../platform/passwords.ts'
import { restOperation } from './route.ts'
import { Password, UsernameParam } from './user.schemas.ts'
import { Id32 } from '../shared/wire.ts'

/** Group push modes (semantics §5): 0 every push, 1 none. */
const ALL_PUSH = 0
const NO_PUSH = 1

/** The random part the server adds to an anonymous name: 80 bits, so two visitors never meet. */
const ANONYMOUS_SUFFIX_BYTES = 10

export function sdkExtraRoutes(app: FastifyInstance): void {
  const { accounts, accountClosing, groupAdmission, groups } = app.services

  /** POST /user/register/anonymous */
  restOperation(app, {
    method: 'POST',
    url: '/user/register/anonymous',
    summary: '匿名注册：服务端在用户名前缀后补全唯一的用户名（MaxIM SDK）',
    auth: 'public',
    params: Type.Object({
      username: Type.String({ pattern: '^[A-Za-z0-9_]{0,40}$', description: '用户名前缀（如 anon_），服务端补全' }),
      password: Password,
      cid: Type.Optional(Id32('访客要找的客服用户ID（不使用）')),
    }),
    data: Type.Object({ username: Type.String({ description: '注册的用户名：以此和密码登录' }), user_id: Type.Integer({ description: '用户ID' }) }),
    handler: async (p, { appId }) => {
      const username = `${p.username || 'anon_'}${randomBytes(ANONYMOUS_SUFFIX_BYTES).toString('hex')}`
      const { settings } = await accounts.register({ appId, username, passwordDigest: md5Hex(p.password) })
      return { username, user_id: settings.userId }
    },
  })

  /** POST /user/delete: closes the caller's account (password required); the client then logs out. */
  restOperation(app, {
    method: 'POST',
    url: '/user/delete',
    summary:
      '注销本人账号（MaxIM SDK）：需密码；退出所有群（群主身份移交最早的管理员或成员，无人则解散），删除好友和申请，清空资料；已发消息保留，用户名保留不可再注册',
    auth: 'user',
    params: Type.Object({ password: Password }),
    data: Type.Boolean({ description: '已注销' }),
    handler: async (p, { actor, userId }) => {
      await accountClosing.close({ ...actor, userId }, md5Hex(p.password))
      return true
    },
  })

  /** GET /app/user/name_check: whether the username is free to register (MaxIM's answer shape is not public: data true or false). */
  restOperation(app, {
    method: 'GET',
    url: '/app/user/name_check',
    summary: '检查用户名是否可注册（MaxIM SDK）：data 为 true 表示可用，false 表示已被占用（含已注销账号保留的用户名）',
    auth: 'user',
    params: Type.Object({ username: UsernameParam }),
    data: Type.Boolean({ description: 'true：可注册；false：已被占用' }),
    handler: async (p, { appId }) => accounts.isUsernameFree(appId, p.username),
  })

  /** POST /group/msg/not_disturb: the caller's "do not disturb" for a group is its push mode: 1 (no push notifications) on, 0 off. */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/msg/not_disturb',
    summary: '群消息免打扰（MaxIM SDK）：开启即推送模式 1（不接收推送），关闭即 0',
    auth: 'user',
    params: Type.Object({ group_id: Id32('群id'), value: Type.Boolean({ description: '是否免打扰（也接受 0/1）' }) }),
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groups.configureMember(actor, p.group_id, { push: p.value ? NO_PUSH : ALL_PUSH })
      return true
    },
  })

  /** GET /app/qrcode/group_sign: 002's GET /group/qrcode/sign under MaxIM's path and answer names. */
  restOperation(app, {
    method: 'GET',
    url: '/app/qrcode/group_sign',
    summary: '获取群邀请二维码信息（MaxIM SDK 的路径）',
    auth: 'user',
    params: Type.Object({ group_id: Id32('群id') }),
    data: Type.Object({
      qr_info: Type.String({ description: '二维码信息（签名，过期前有效）' }),
      expired: Type.Integer({ description: '二维码过期时间（毫秒）' }),
      create_at: Type.Integer({ description: '二维码生成时间（毫秒）' }),
      expire_at: Type.Integer({ description: '二维码过期时间（毫秒），同 expired' }),
    }),
    handler: async (p, { actor }) => {
      const qr = await groupAdmission.signQr(actor, p.group_id)
      return { qr_info: qr.qrInfo, expired: qr.expiresAt, create_at: qr.createdAt, expire_at: qr.expiresAt }
    },
  })

  /** GET /app/qrcode/group_invite: 002's POST /group/qrcode/invite as a GET with qr_info in the query. */
  restOperation(app, {
    method: 'GET',
    url: '/app/qrcode/group_invite',
    summary: '扫群二维码入群（MaxIM SDK 的路径）',
    auth: 'user',
    params: Type.Object({ qr_info: Type.String({ minLength: 1, maxLength: 2000, description: '二维码信息：GET /app/qrcode/group_sign 的 qr_info' }) }),
    data: Type.Object({ group_id: Type.Integer({ description: '加入的群id' }) }),
    handler: async (p, { actor }) => {
      const group = await groupAdmission.joinByQr(actor, p.qr_info)
      return { group_id: group.id }
    },
  })
}
