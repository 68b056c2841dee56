// /user/* devices and security (002 §3): device list/remove, kick, vendor tokens, password change, disable/enable.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { md5Hex } from '../../platform/passwords.ts'
import { restOperation } from './route.ts'
import { Password } from './user.schemas.ts'
import { Id32, Id32List } from '../shared/wire.ts'

const Ok = Type.Boolean({ description: '结果数据' })
const DeviceSn = (description: string) => Id32(description)
const UserIds = Type.Object({ list: Id32List('用户ID列表', { minItems: 1 }) })

export function userDeviceRoutes(app: FastifyInstance): void {
  const { devices, security } = app.services

  /** GET /user/device/list */
  restOperation(app, {
    method: 'GET',
    url: '/user/device/list',
    summary: '设备列表',
    auth: 'user',
    params: Type.Object({
      cursor: Type.Optional(Type.String({ maxLength: 10, description: '游标：上一页返回的 cursor' })),
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: '每页数量' }),
    }),
    data: Type.Array(
      Type.Object({
        device_sn: Type.Integer({ description: '设备序号' }),
        platform: Type.Integer({ description: '设备平台, 1:ios, 2:android, 3:windows, 4:mac, 5:linux, 6:web, 0:未知' }),
        user_agent: Type.String({ description: 'user_agent' }),
        user_id: Type.Integer({ description: '用户 ID' }),
      }),
      { description: '结果数据' },
    ),
    extra: {
      cursor: Type.Optional(Type.String({ description: '游标，返回结果中缺失 cursor，表示已经返回最后一页' })),
      version: Type.Integer({ description: '版本：设备列表变化时改变' }),
    },
    handler: async (p, { userId }) => {
      const page = await devices.list(userId, p.cursor, p.limit)
      return {
        data: page.devices.map((d) => ({ device_sn: d.deviceSn, platform: d.platform, user_agent: d.userAgent, user_id: d.userId })),
        ...(page.next !== undefined ? { cursor: String(page.next) } : {}),
        version: page.version,
      }
    },
  })

  /** POST|DELETE /user/device/remove */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/user/device/remove',
    summary: '删除device',
    auth: 'user',
    in: 'query',
    params: Type.Object({ device_sn: DeviceSn('device_sn') }),
    data: Ok,
    handler: async (p, { userId }) => {
      await devices.remove(userId, p.device_sn)
      return true
    },
  })

  /** POST|PUT /user/kick */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/kick',
    summary: '踢指定设备下线',
    auth: 'user',
    in: 'query',
    params: Type.Object({ device_sn: Type.Optional(DeviceSn('不传device_sn表示踢所有设备（发起请求的这个 token 除外）')) }),
    data: Ok,
    handler: async (p, { actor, userId }) => {
      await devices.kick({ ...actor, userId }, p.device_sn)
      return true
    },
  })

  /** POST|PUT /user/token/bind */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/user/token/bind',
    summary: '绑定token',
    auth: 'user',
    params: Type.Object({
      device_sn: DeviceSn('设备SN'),
      device_token: Type.String({ minLength: 1, maxLength: 512, description: 'device token（厂商推送 token）' }),
      notifier_name: Type.String({ maxLength: 128, default: '', description: '证书名称' }),
    }),
    data: Ok,
    handler: async (p, { userId }) => {
      await devices.bindDeviceToken(userId, p.device_sn, p.device_token, p.notifier_name)
      return true
    },
  })

  /** POST|DELETE /user/token/unbind */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/user/token/unbind',
    summary: '解绑token',
    auth: 'user',
    in: 'query',
    params: Type.Object({ deviceSn: DeviceSn('deviceSn') }),
    data: Type.Object({ device_sn: Type.Integer({ description: '已解绑的设备SN' }) }, { description: '结果数据' }),
    handler: async (p, { userId }) => {
      await devices.unbindDeviceToken(userId, p.deviceSn)
      return { device_sn: p.deviceSn }
    },
  })

  /** POST /user/change_password */
  restOperation(app, {
    method: 'POST',
    url: '/user/change_password',
    summary: '修改密码',
    auth: 'user',
    params: Type.Object({
      old_password: Type.String({ minLength: 1, maxLength: 256, description: 'old_password 旧密码' }),
      new_password: { ...Password, description: 'new_password 新密码（至少6位）' },
    }),
    data: Ok,
    handler: async (p, { appId, userId }) => {
      await security.changePassword(appId, userId, md5Hex(p.old_password), md5Hex(p.new_password))
      return true
    },
  })

  /** PUT /user/disable */
  restOperation(app, {
    method: 'PUT',
    url: '/user/disable',
    summary: '封禁用户',
    auth: 'admin',
    params: UserIds,
    data: Ok,
    handler: async (p, { actor }) => {
      await security.setDisabled(actor, p.list, true)
      return true
    },
  })

  /** PUT /user/enable */
  restOperation(app, {
    method: 'PUT',
    url: '/user/enable',
    summary: '解禁用户',
    auth: 'admin',
    params: UserIds,
    data: Ok,
    handler: async (p, { actor }) => {
      await security.setDisabled(actor, p.list, false)
      return true
    },
  })
}
