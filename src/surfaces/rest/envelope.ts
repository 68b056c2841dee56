// The REST envelope {code, message, data}: HTTP 200 for every business outcome (semantics §1).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TProperties, type TSchema } from 'typebox'
import type { ErrorKey } from '../../domain/errors.ts'
import { codedErrorBody, JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'

export interface Ok<T> {
  code: 200
  message: null
  data: T
}

export function ok<T>(data: T): Ok<T> {
  return { code: 200, message: null, data }
}

/** Response schema of a successful call: also how the OpenAPI document shows it. */
export function Envelope<T extends TSchema, E extends TProperties = {}>(data: T, extra?: E) {
  // Object.assign keeps the extra fields' own types (a spread of an optional generic would erase them).
  return Type.Object(
    Object.assign(
      {
        code: Type.Integer({ description: '返回码，200是成功' }),
        message: Type.Null({ description: '错误信息，如果成功，该项为null' }),
        data,
      },
      extra,
    ),
  )
}

/**
 * The HTTP status of each error code: 200 for every business outcome (semantics §1); only a missing route, a
 * refused size or rate, a fault and an outage say so in HTTP too. A new code must be placed here to compile.
 */
export const HTTP_STATUS = {
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
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  BAD_FILE_TYPE: 200,
  SMS_UNAVAILABLE: 503,
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
} as const satisfies Record<ErrorKey, 200 | 404 | 413 | 429 | 500 | 503>

export function sendRestError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  noteError(domainError, error, internal, request, reply)
  // Error bodies bypass the route's success schema.
  return reply.status(HTTP_STATUS[domainError.key]).type(JSON_UTF8).serializer(JSON.stringify).send(codedErrorBody(domainError))
}
