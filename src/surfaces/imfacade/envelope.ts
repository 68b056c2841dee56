// The IM facade envelope: `{detail}` in Chinese with Django REST Framework statuses (semantics §1), DRF's zh_Hans words for its own errors.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { DomainError, ErrorKey } from '../../domain/errors.ts'
import { JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'
import { ZH_REASON } from '../shared/zh.ts'

/**
 * DRF's HTTP status of each error code: 401 for authentication, 403 for a refusal, 404 for what does not exist,
 * 400 for every other client error (DRF's ValidationError). A new code must be placed here to compile.
 */
const STATUS = {
  TOKEN_INVALID: 401,
  USER_NOT_FOUND: 404,
  BAD_VERIFICATION_CODE: 400,
  BAD_PARAMETER: 400,
  TOKEN_MISSING: 401,
  USER_EXISTS: 400,
  ALREADY_FRIEND: 400,
  IN_BLACKLIST: 403,
  FRIEND_APPLICATION_NOT_FOUND: 400,
  TOKEN_FORMAT: 401,
  FILE_STORAGE: 400,
  NO_PERMISSION: 403,
  ALREADY_BOUND: 400,
  FRIEND_APPLICATION_DECLINED: 400,
  WRONG_CREDENTIALS: 400,
  USER_DISABLED: 401,
  ACCOUNT_DELETED: 401,
  WRONG_PASSWORD: 400,
  BAD_CAPTCHA: 400,
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  BAD_FILE_TYPE: 415,
  SMS_UNAVAILABLE: 503,
  NOT_FRIEND: 400,
  PUSH_NOT_CONFIGURED: 400,
  INTERNAL: 500,
  GROUP_NOT_FOUND: 404,
  NOT_GROUP_MEMBER: 403,
  BAD_MSG_PUSH_MODE: 400,
  OWNER_CANNOT_LEAVE: 403,
  TRANSFER_TARGET_NOT_MEMBER: 400,
  QUOTA_GROUPS_PER_APP: 400,
  QUOTA_GROUPS_CREATED: 400,
  QUOTA_GROUPS_JOINED: 400,
  QUOTA_GROUP_MEMBERS: 400,
  NEED_MEMBER: 403,
  NEED_ADMIN: 403,
  NEED_OWNER: 403,
  APPLICATION_HANDLED: 400,
  INVITATION_HANDLED: 400,
  ALREADY_MEMBER: 400,
  IN_GROUP_BLACKLIST: 403,
  ANNOUNCEMENT_NOT_FOUND: 400,
  SHARED_FILE_NOT_FOUND: 400,
  SHARED_FILE_FORBIDDEN: 400,
  QR_INVALID: 400,
  QR_EXPIRED: 400,
  ADMIN_CANNOT_LEAVE: 403,
  FACE_CODE_MISMATCH: 403,
  SERVICE_UNAVAILABLE: 503,
  APP_NOT_FOUND: 400,
  NOT_SUPPORTED: 400,
} as const satisfies Record<ErrorKey, 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 503>

/**
 * The errors DRF raises itself, in the words of its Simplified-Chinese locale (rest_framework/locale/zh_Hans),
 * as the facade's old server answered them: authentication, not found, permission, server error. An error
 * that carries its own Chinese reason (a wrong parameter, a specific refusal) shows that instead.
 */
const DRF: Partial<Record<ErrorKey, string>> = {
  TOKEN_MISSING: '身份认证信息未提供。',
  TOKEN_INVALID: '认证令牌无效。',
  TOKEN_FORMAT: '认证令牌无效。',
  USER_DISABLED: '用户未激活或者已删除。',
  ACCOUNT_DELETED: '用户未激活或者已删除。',
  NO_PERMISSION: '您没有执行该操作的权限。',
  ROUTE_NOT_FOUND: '未找到。',
  // The group of the URL, looked up as DRF's get_object() does.
  GROUP_NOT_FOUND: '未找到。',
  INTERNAL: '服务器出现了错误。',
}

/**
 * DRF's Throttled detail: the zh_Hans text of "Request was throttled." followed by its wait sentence, which the
 * DRF versions of the facade's time left untranslated ("请求超过了限速。 Expected available in 56 seconds.").
 */
export function throttledDetail(waitSeconds: number): string {
  const wait = Math.max(1, Math.ceil(waitSeconds))
  return `请求超过了限速。 Expected available in ${wait} second${wait === 1 ? '' : 's'}.`
}

/** DRF's MethodNotAllowed detail. */
export function methodNotAllowedDetail(method: string): string {
  return `方法 “${method}” 不被允许。`
}

export function facadeStatus(error: DomainError): number {
  return STATUS[error.key]
}

/** Always Chinese: the error's own reason when it has one, else DRF's words, else the code's text. */
export function facadeDetail(error: DomainError): string {
  if (error.key === 'RATE_LIMITED' && error.retryAfterSeconds !== undefined) return throttledDetail(error.retryAfterSeconds)
  if (error.zh !== undefined) return error.zh
  if (error.key === 'BAD_PARAMETER') return '无效的输入。'
  return DRF[error.key] ?? ZH_REASON[error.key]
}

export function sendFacadeError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  noteError(domainError, error, internal, request, reply)
  const status = facadeStatus(domainError)
  if (status === 401) reply.header('www-authenticate', 'Token')
  return reply
    .status(status)
    .type(JSON_UTF8)
    .serializer(JSON.stringify)
    .send({ detail: facadeDetail(domainError) })
}
