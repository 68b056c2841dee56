// The legacy envelope {success, info, …}: HTTP 200 for every outcome, with a Chinese info and a stable code on failure.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TProperties } from 'typebox'
import type { DomainError, ErrorKey } from '../../domain/errors.ts'
import { JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'
import { zhReason } from '../shared/zh.ts'

export function legacyErrorBody(error: DomainError) {
  return { success: false as const, info: zhReason(error), code: error.code }
}

/**
 * The HTTP status of each error code: every business outcome is 200 with `success: false`; a fault is 500 and an
 * outage 503 (the app's "network error, retry"). A new code must be placed here to compile.
 */
const HTTP_STATUS = {
  TOKEN_INVALID: 200,
  USER_NOT_FOUND: 200,
  BAD_VERIFICATION_CODE: 200,
  BAD_PARAMETER: 200,
  TOKEN_MISSING: 200,
  USER_EXISTS: 200,
  ALREADY_FRIEND: 200,
  IN_BLACKLIST: 200,
  FRIEND_APPLICATION_NOT_FOUND: 200,
  TOKEN_FORMAT: 200,
  FILE_STORAGE: 200,
  NO_PERMISSION: 200,
  ALREADY_BOUND: 200,
  FRIEND_APPLICATION_DECLINED: 200,
  WRONG_CREDENTIALS: 200,
  USER_DISABLED: 200,
  ACCOUNT_DELETED: 200,
  WRONG_PASSWORD: 200,
  BAD_CAPTCHA: 200,
  RATE_LIMITED: 200,
  ROUTE_NOT_FOUND: 200,
  PAYLOAD_TOO_LARGE: 200,
  BAD_FILE_TYPE: 200,
  SMS_UNAVAILABLE: 200,
  NOT_FRIEND: 200,
  PUSH_NOT_CONFIGURED: 200,
  INTERNAL: 500,
  GROUP_NOT_FOUND: 200,
  NOT_GROUP_MEMBER: 200,
  BAD_MSG_PUSH_MODE: 200,
  OWNER_CANNOT_LEAVE: 200,
  TRANSFER_TARGET_NOT_MEMBER: 200,
  QUOTA_GROUPS_PER_APP: 200,
  QUOTA_GROUPS_CREATED: 200,
  QUOTA_GROUPS_JOINED: 200,
  QUOTA_GROUP_MEMBERS: 200,
  NEED_MEMBER: 200,
  NEED_ADMIN: 200,
  NEED_OWNER: 200,
  APPLICATION_HANDLED: 200,
  INVITATION_HANDLED: 200,
  ALREADY_MEMBER: 200,
  IN_GROUP_BLACKLIST: 200,
  ANNOUNCEMENT_NOT_FOUND: 200,
  SHARED_FILE_NOT_FOUND: 200,
  SHARED_FILE_FORBIDDEN: 200,
  QR_INVALID: 200,
  QR_EXPIRED: 200,
  ADMIN_CANNOT_LEAVE: 200,
  FACE_CODE_MISMATCH: 200,
  SERVICE_UNAVAILABLE: 503,
  APP_NOT_FOUND: 200,
  NOT_SUPPORTED: 200,
} as const satisfies Record<ErrorKey, 200 | 500 | 503>

export function sendLegacyError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  noteError(domainError, error, internal, request, reply)
  return reply.status(HTTP_STATUS[domainError.key]).type(JSON_UTF8).serializer(JSON.stringify).send(legacyErrorBody(domainError))
}

/** Response schema of a successful action: `success`, `info`, then the action's own fields in order. */
export function LegacyOk<R extends TProperties = {}>(fields?: R) {
  // Object.assign keeps the action's fields' own types (a spread of an optional generic would erase them).
  return Type.Object(
    Object.assign(
      {
        success: Type.Boolean({ description: '是否成功，true为成功，false为失败。如果为false,“info”表示失败原因。' }),
        info: Type.String({ description: '提示信息' }),
      },
      fields,
    ),
  )
}
