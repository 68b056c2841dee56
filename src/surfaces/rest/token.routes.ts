// /token/*: a user token by user id, by username, or by username/mobile/email (002 §5).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { md5Hex } from '../../platform/passwords.ts'
import { DomainError } from '../../domain/errors.ts'
import { normalizeMobile, parseMobile } from '../../domain/accounts/mobile.ts'
import type { DeviceInfo, LoginName } from '../../domain/accounts/accounts.types.ts'
import { restOperation } from './route.ts'
import { renderToken, TokenByIdParams, TokenByLoginParams, TokenByNameParams, TokenData } from './token.schemas.ts'

function device(guid: string | undefined, request: FastifyRequest): DeviceInfo | undefined {
  return guid ? { guid, userAgent: request.headers['user-agent'] } : undefined
}

async function login(request: FastifyRequest, appId: string, name: LoginName, password: string, guid: string | undefined) {
  const { issued } = await request.server.services.accounts.login({
    appId,
    name,
    passwordDigest: md5Hex(password),
    clientAddress: request.ip,
    device: device(guid, request),
  })
  return renderToken(issued)
}

/**
 * `name`, or `mobile` as MaxIM's SDK may send instead. A `name` that is a mobile number names the mobile: a username is
 * never all digits, and /app/user/info_pwd hands an account without a username its number as the name to log in with.
 */
function byNameOrMobile(name: string | undefined, mobile: string | undefined): LoginName {
  const nameAsMobile = name !== undefined && /^[\d\s+().-]+$/.test(name) ? parseMobile(name) : undefined
  if (nameAsMobile !== undefined) return { by: 'mobile', mobile: nameAsMobile }
  if (name !== undefined) return { by: 'username', username: name }
  if (mobile !== undefined) return { by: 'mobile', mobile: normalizeMobile(mobile) }
  throw new DomainError('BAD_PARAMETER', 'name or mobile is required')
}

export function tokenRoutes(app: FastifyInstance): void {
  /** POST /token/id */
  restOperation(app, {
    method: 'POST',
    url: '/token/id',
    summary: '通过用户ID和密码取普通用户token',
    auth: 'public',
    params: TokenByIdParams,
    data: TokenData,
    handler: (p, { appId, request }) => login(request, appId, { by: 'id', userId: p.user_id }, p.password, p.device_guid),
  })

  /** POST /token/user */
  restOperation(app, {
    method: 'POST',
    url: '/token/user',
    summary: '通过用户名和密码取普通用户token',
    auth: 'public',
    params: TokenByNameParams,
    data: TokenData,
    handler: (p, { appId, request }) => login(request, appId, byNameOrMobile(p.name, p.mobile), p.password, p.device_guid),
  })

  /** POST /token/login */
  restOperation(app, {
    method: 'POST',
    url: '/token/login',
    summary: '通过用户名/手机号/邮箱取普通用户token',
    auth: 'public',
    params: TokenByLoginParams,
    data: TokenData,
    handler: (p, { appId, request }) => login(request, appId, { by: 'any', loginName: p.login_name }, p.password, p.device_guid),
  })
}
