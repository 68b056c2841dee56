// The legacy envelope {success, info, …}: HTTP 200 for every outcome, with a Chinese info and a stable code on failure.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TProperties } from 'typebox'
import type { DomainError, ErrorKey } from '../../domain/errors.ts'
import { toDomainError } from '../errors.ts'

/** What old apps show their users: one info per error code, in the language of the documents. */
const INFO: Partial<Record<ErrorKey, string>> = {
  TOKEN_INVALID: '登录已失效，请重新登录',
  TOKEN_MISSING: '请先登录',
  TOKEN_FORMAT: '登录已失效，请重新登录',
  USER_NOT_FOUND: '用户不存在',
  BAD_VERIFICATION_CODE: '验证码错误',
  BAD_PARAMETER: '参数错误',
  USER_EXISTS: '该手机号已注册',
  WRONG_CREDENTIALS: '用户名或密码错误',
  USER_DISABLED: '该用户已被禁用',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  ROUTE_NOT_FOUND: '接口不存在',
  PAYLOAD_TOO_LARGE: '上传内容过大',
  BAD_FILE_TYPE: '文件格式不支持',
  NO_PERMISSION: '没有权限',
  INTERNAL: '服务器错误，请稍后再试',
  GROUP_NOT_FOUND: '群不存在',
  NOT_GROUP_MEMBER: '您不是该群成员',
  NEED_ADMIN: '只有管理员可以执行此操作',
  NEED_OWNER: '只有群主可以执行此操作',
  ALREADY_MEMBER: '您已是该群成员',
  IN_GROUP_BLACKLIST: '您已被该群拉黑',
}

export function legacyErrorBody(error: DomainError) {
  const info = INFO[error.key] ?? error.message
  // A parameter error says which parameter: the reason is the developer's, the prefix the user's.
  return { success: false as const, info: error.key === 'BAD_PARAMETER' ? `${info}：${error.message}` : info, code: error.code }
}

export function sendLegacyError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  if (internal) request.log.error({ err: error }, 'request failed')
  return reply.status(internal ? 500 : 200).serializer(JSON.stringify).send(legacyErrorBody(domainError))
}

/** Response schema of a successful action: `success`, `info`, then the action's own fields in order. */
export function LegacyOk(fields: TProperties = {}) {
  return Type.Object({
    success: Type.Boolean({ description: '是否成功，true为成功，false为失败。如果为false,“info”表示失败原因。' }),
    info: Type.String({ description: '提示信息' }),
    ...fields,
  })
}
