// Wire shapes of /token/* (002 §5) and their rendering from an issued token.
import { Type } from 'typebox'
import type { IssuedToken } from '../../domain/accounts/accounts.types.ts'
import { Id32 } from '../shared/wire.ts'

const Password = Type.String({ minLength: 1, maxLength: 256, description: '密码（明文）' })
const DeviceGuid = Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: '设备ID, 如果设置，则返回PushToken' }))

export const TokenByIdParams = Type.Object({
  user_id: Id32('用户ID，仅用于用户ID登录'),
  password: Password,
  device_guid: DeviceGuid,
})

export const TokenByNameParams = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '用户名，仅用于用户名登录（与 mobile 二选一）' })),
  mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '手机号（MaxIM SDK 的手机号登录，与 name 二选一）' })),
  password: Password,
  device_guid: DeviceGuid,
})

export const TokenByLoginParams = Type.Object({
  login_name: Type.String({ minLength: 1, maxLength: 320, description: '登录名，可以是手机号，邮箱，用户名' }),
  password: Password,
  device_guid: DeviceGuid,
})

export const TokenData = Type.Object({
  token: Type.String({ description: '访问token' }),
  expire: Type.Integer({ description: '过期时间戳（毫秒）' }),
  user_id: Type.Integer({ description: '用户ID' }),
  push_token: Type.Optional(Type.String({ description: '推送Token，仅当请求带 device_guid 时返回' })),
  encrypt_type: Type.Integer({ description: '是否启用加密连接：0 不加密（本服务由 TLS 终端负责）' }),
  public_key: Type.String({ description: '公钥（不使用加密连接时为空）' }),
  store_token: Type.String({ description: '文件token（文件以 access-token 访问，为空）' }),
  access_key_secret: Type.String({ description: '文件密钥（文件以 access-token 访问，为空）' }),
})

export function renderToken(issued: IssuedToken) {
  return {
    token: issued.token,
    expire: issued.expiresAt,
    user_id: issued.userId,
    ...(issued.device ? { push_token: issued.device.pushToken } : {}),
    encrypt_type: 0,
    public_key: '',
    store_token: '',
    access_key_secret: '',
  }
}
