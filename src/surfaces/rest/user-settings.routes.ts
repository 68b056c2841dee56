// /user/* settings and push preferences (002 §3): the settings object, each single setter, alias, badge, tags, open id.
import type { FastifyInstance } from 'fastify'
import { Type, type Static, type TObject, type TSchema } from 'typebox'
import type { SettingsChanges } from '../../domain/accounts/settings.service.ts'
import { restOperation } from './route.ts'
import { renderSettings, settingsChanges, UserSettingsData, UserSettingsParams } from './user.schemas.ts'
import { DisplayName } from '../shared/wire.ts'

const Ok = Type.Boolean({ description: '结果数据' })
/** The open id's type when the caller names none: MaxIM's SDK binds WeChat mini-program open ids that way. */
const OPENID_DEFAULT_TYPE = 'wechat'
const Tags = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'tags' })

export function userSettingsRoutes(app: FastifyInstance): void {
  const { settings } = app.services

  /** GET /user/settings */
  restOperation(app, {
    method: 'GET',
    url: '/user/settings',
    summary: '获取用户设置',
    auth: 'user',
    data: UserSettingsData,
    handler: async (_p, { userId, actor }) => renderSettings(await settings.get(userId, actor.deviceId)),
  })

  /** POST|PUT /user/settings */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/settings',
    summary: '修改用户设置',
    auth: 'user',
    params: UserSettingsParams,
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.update(userId, settingsChanges(p))
      return true
    },
  })

  /** One `?value=` setter per setting: POST and PUT twins. */
  const setter = <V extends TSchema>(url: string, summary: string, value: V, change: (p: Static<TObject<{ value: V }>>) => SettingsChanges) =>
    restOperation(app, {
      method: ['POST', 'PUT'],
      url,
      summary,
      auth: 'user',
      in: 'query',
      params: Type.Object({ value }),
      data: Ok,
      handler: async (p, { userId }) => {
        await settings.update(userId, change(p))
        return true
      },
    })
  const Flag = (description: string) => Type.Boolean({ description })

  /** POST|PUT /user/authmode */
  setter(
    '/user/authmode',
    '设置加好友验证方式',
    Type.Integer({ minimum: 0, maximum: 3, description: '0 任何人可加, 1 需同意, 2 需回答问题, 3 拒绝所有' }),
    ({ value }) => ({ authMode: value }),
  )
  /** POST|PUT /user/download */
  setter('/user/download', '设置是否自动下载缩略图和文件', Flag('是否自动下载'), ({ value }) => ({ autoDownload: value }))
  /** POST|PUT /user/sounds */
  setter('/user/sounds', '设置新消息是否关闭声音提醒', Flag('true 关闭声音提醒'), ({ value }) => ({ noSounds: value }))
  /** POST|PUT /user/vibratory */
  setter('/user/vibratory', '设置新消息是否振动', Flag('是否振动'), ({ value }) => ({ vibratory: value }))
  /** POST|PUT /user/push */
  setter('/user/push', '设置是否关闭推送', Flag('true 关闭推送'), ({ value }) => ({ noPush: value }))
  /** POST|PUT /user/push/detail */
  setter('/user/push/detail', '设置是否关闭推送详情', Flag('true 不推送详情'), ({ value }) => ({ noPushDetail: value }))
  /** POST|PUT /user/push/nickname */
  setter('/user/push/nickname', '设置推送昵称', DisplayName('推送昵称', 256), ({ value }) => ({ pushNickName: value }))

  /** POST|PUT /user/push/limit */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/push/limit',
    summary: '设置推送免打扰时间',
    auth: 'user',
    in: 'query',
    params: Type.Object({
      no_push_start_hour: Type.Integer({ minimum: 0, maximum: 23, description: 'no_push_start_hour（0-23）' }),
      no_push_end_hour: Type.Integer({ minimum: 0, maximum: 23, description: 'no_push_end_hour（0-23）' }),
    }),
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.update(userId, { noPushStartHour: p.no_push_start_hour, noPushEndHour: p.no_push_end_hour })
      return true
    },
  })

  /** POST /user/push/alias */
  restOperation(app, {
    method: 'POST',
    url: '/user/push/alias',
    summary: '绑定别名',
    auth: 'user',
    params: Type.Object({
      alias: Type.String({ maxLength: 128, description: '别名' }),
      push_token: Type.Optional(Type.String({ maxLength: 512, description: '推送token（须为本用户设备的）' })),
    }),
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.setAlias(userId, p.alias, p.push_token)
      return true
    },
  })

  /** POST /user/push/badge */
  restOperation(app, {
    method: 'POST',
    url: '/user/push/badge',
    summary: '设置badge',
    auth: 'user',
    params: Type.Object({ badge: Type.Integer({ minimum: 0, maximum: 99999, description: 'badge' }) }),
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.setBadge(userId, p.badge)
      return true
    },
  })

  /** GET /user/push/tag */
  restOperation(app, {
    method: 'GET',
    url: '/user/push/tag',
    summary: '获取标签',
    auth: 'user',
    data: Type.Array(Type.String(), { description: '结果数据' }),
    handler: async (_p, { userId }) => settings.tags(userId),
  })

  /** POST /user/push/tag */
  restOperation(app, {
    method: 'POST',
    url: '/user/push/tag',
    summary: '绑定标签',
    auth: 'user',
    params: Type.Object({ tags: Tags }),
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.addTags(userId, p.tags)
      return true
    },
  })

  /** DELETE /user/push/tag */
  restOperation(app, {
    method: 'DELETE',
    url: '/user/push/tag',
    summary: '解绑标签',
    auth: 'user',
    params: Type.Object({ tags: Tags }),
    data: Ok,
    handler: async (p, { userId }) => {
      await settings.removeTags(userId, p.tags)
      return true
    },
  })

  /** DELETE /user/push/tag/all */
  restOperation(app, {
    method: 'DELETE',
    url: '/user/push/tag/all',
    summary: '删除所有标签',
    auth: 'user',
    data: Ok,
    handler: async (_p, { userId }) => {
      await settings.removeTags(userId, 'all')
      return true
    },
  })

  /** GET /user/bind_openid */
  restOperation(app, {
    method: 'GET',
    url: '/user/bind_openid',
    summary: '将openid绑定到账号',
    auth: 'user',
    params: Type.Object({
      open_id: Type.String({ minLength: 1, maxLength: 256, description: 'open_id' }),
      // MaxIM's SDK sends open_id alone (its WeChat mini-program binding); 002 names no default, so absent means that.
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'type（如 wechat；省略时为 wechat，即 MaxIM SDK 的微信小程序绑定）' })),
    }),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await settings.bindOpenId(appId, userId, p.type ?? OPENID_DEFAULT_TYPE, p.open_id)
      return true
    },
  })
}
