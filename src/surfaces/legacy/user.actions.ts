// user!* actions of 001: login, readUser, signOut.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { isMd5Hex } from '../../platform/passwords.ts'
import { header } from '../request-context.ts'
import { setSessionHeaders } from './auth.ts'
import { renderUserVO, UserVO } from './mapping.ts'
import { given, legacyAction } from './struts.ts'

const Md5Password = (description: string) => Type.String({ description: `${description}（32位MD5十六进制）` })
const UserData = { data: Type.Object({ userVO: UserVO }) }

function requireMd5(value: string, name: string): string {
  if (!isMd5Hex(value)) throw new DomainError('BAD_PARAMETER', `${name} must be the 32-character hex MD5 digest of the password`)
  return value.toLowerCase()
}

function parseUserId(value: string | undefined): number | undefined {
  const id = given(value)?.trim()
  if (id === undefined) return undefined
  if (!/^\d{1,10}$/.test(id) || Number(id) > 2 ** 31 - 1) throw new DomainError('BAD_PARAMETER', 'userId must be a user id (a positive 32-bit number)')
  return Number(id)
}

export function userActions(app: FastifyInstance): void {
  const { accounts } = app.services
  const publicUrl = app.config.PUBLIC_URL

  /** POST /user/user!login */
  legacyAction(app, {
    url: '/user/user!login', summary: '用户登录', auth: false,
    params: Type.Object({
      'userVO.userName': Type.String({ minLength: 1, description: '用户名，一般是手机号' }),
      'userVO.password': Md5Password('登录密码，加密后的密码'),
    }),
    response: UserData,
    handler: async (p, { request, reply }) => {
      const client = header(request.headers, 'client') ?? ''
      const { user, issued } = await accounts.login({
        appId: app.config.DEFAULT_APP_ID,
        name: { by: 'any', loginName: p['userVO.userName'] },
        passwordDigest: requireMd5(p['userVO.password'], 'userVO.password'),
        device: client ? { guid: client, userAgent: request.headers['user-agent'] } : undefined,
      })
      setSessionHeaders(reply, { uid: String(user.id), accessToken: issued.token, client, expire: issued.expiresAt })
      return { info: '登录成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: true }) } }
    },
  })

  /** POST /user/user!readUser */
  legacyAction(app, {
    url: '/user/user!readUser', summary: '读取用户信息', auth: true,
    params: Type.Object({
      userId: Type.Optional(Type.String({ description: '要读取的用户ID；为空表示自己' })),
      'userVO.userId': Type.Optional(Type.String({ description: '同 userId' })),
    }),
    response: UserData,
    handler: async (p, { actor }) => {
      const userId = parseUserId(p.userId) ?? parseUserId(p['userVO.userId']) ?? actor.userId
      const user = await accounts.getUser(actor.appId, userId)
      // Another user's public view leaves out the mobile number.
      return { info: '获取用户信息成功', data: { userVO: renderUserVO(user, { publicUrl, showMobile: userId === actor.userId }) } }
    },
  })

  /** POST /user/user!signOut */
  legacyAction(app, {
    url: '/user/user!signOut', summary: '用户注销', auth: true,
    handler: async (_p, { actor }) => {
      await accounts.signOut(actor)
      return { info: '用户注销成功' }
    },
  })
}
