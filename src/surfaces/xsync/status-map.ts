// DomainError keys → the xsync Status code a refused upload or login answers with (mapping.md §4); one table, exhaustive.
import type { ErrorKey } from '../../domain/errors.ts'
import { toDomainError } from '../shared/errors.ts'
import { Code, CodecError, type Status } from './codec.ts'

/**
 * Muted in a group (NO_PERMISSION from a member ban, NEED_ADMIN under ban_all) reads USER_BANNED, what the SDK shows
 * as "user is muted"; membership, blacklist and friendship refusals UNAUTHORIZED; a new error key must be placed
 * here to compile.
 */
const STATUS_OF = {
  TOKEN_INVALID: Code.INVALID_TOKEN,
  USER_NOT_FOUND: Code.FAIL,
  BAD_VERIFICATION_CODE: Code.FAIL,
  BAD_PARAMETER: Code.INVALID_PARAMETER,
  TOKEN_MISSING: Code.INVALID_TOKEN,
  USER_EXISTS: Code.FAIL,
  ALREADY_FRIEND: Code.FAIL,
  IN_BLACKLIST: Code.UNAUTHORIZED,
  FRIEND_APPLICATION_NOT_FOUND: Code.FAIL,
  TOKEN_FORMAT: Code.INVALID_TOKEN,
  FILE_STORAGE: Code.FAIL,
  NO_PERMISSION: Code.USER_BANNED,
  ALREADY_BOUND: Code.FAIL,
  FRIEND_APPLICATION_DECLINED: Code.FAIL,
  WRONG_CREDENTIALS: Code.FAIL,
  USER_DISABLED: Code.USER_FROZEN,
  RATE_LIMITED: Code.RATE_LIMIT_EXCEEDED,
  ROUTE_NOT_FOUND: Code.FAIL,
  PAYLOAD_TOO_LARGE: Code.INVALID_PARAMETER,
  BAD_FILE_TYPE: Code.INVALID_PARAMETER,
  SMS_UNAVAILABLE: Code.FAIL,
  NOT_FRIEND: Code.UNAUTHORIZED,
  PUSH_NOT_CONFIGURED: Code.FAIL,
  INTERNAL: Code.FAIL,
  GROUP_NOT_FOUND: Code.FAIL,
  NOT_GROUP_MEMBER: Code.UNAUTHORIZED,
  BAD_MSG_PUSH_MODE: Code.FAIL,
  OWNER_CANNOT_LEAVE: Code.FAIL,
  TRANSFER_TARGET_NOT_MEMBER: Code.FAIL,
  QUOTA_GROUPS_PER_APP: Code.FAIL,
  QUOTA_GROUPS_CREATED: Code.FAIL,
  QUOTA_GROUPS_JOINED: Code.FAIL,
  QUOTA_GROUP_MEMBERS: Code.FAIL,
  NEED_MEMBER: Code.UNAUTHORIZED,
  NEED_ADMIN: Code.USER_BANNED,
  NEED_OWNER: Code.UNAUTHORIZED,
  APPLICATION_HANDLED: Code.FAIL,
  INVITATION_HANDLED: Code.FAIL,
  ALREADY_MEMBER: Code.FAIL,
  IN_GROUP_BLACKLIST: Code.UNAUTHORIZED,
  ANNOUNCEMENT_NOT_FOUND: Code.FAIL,
  SHARED_FILE_NOT_FOUND: Code.FAIL,
  SHARED_FILE_FORBIDDEN: Code.FAIL,
  QR_INVALID: Code.FAIL,
  QR_EXPIRED: Code.FAIL,
  ADMIN_CANNOT_LEAVE: Code.FAIL,
  FACE_CODE_MISMATCH: Code.FAIL,
  SERVICE_UNAVAILABLE: Code.FAIL,
  APP_NOT_FOUND: Code.INVALID_TOKEN,
  NOT_SUPPORTED: Code.FAIL,
  // A closed account: "log in manually" rather than INVALID_TOKEN's automatic re-login, which would loop.
  ACCOUNT_DELETED: Code.USER_FROZEN,
  BAD_CAPTCHA: Code.INVALID_PARAMETER,
  WRONG_PASSWORD: Code.FAIL,
} as const satisfies Record<ErrorKey, Code>

/** The Status of a failure, with the domain's reason; `internal` when it was not a DomainError (log it). */
export function statusOf(error: unknown): { status: Status; internal: boolean } {
  if (error instanceof CodecError) return { status: { code: Code.PB_PARSER_ERROR, reason: error.message }, internal: false }
  const { error: domainError, internal } = toDomainError(error)
  return { status: { code: STATUS_OF[domainError.key], reason: domainError.message }, internal }
}
