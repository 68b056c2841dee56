// DomainError and the one table of error codes (semantics.md §4); each surface renders a code in its own envelope.

/** Every error the domain can raise: REST `code` and a default reason a developer can act on. */
export const ERRORS = {
  TOKEN_INVALID: { code: 402, message: 'access-token is unknown, expired or revoked; log in again' },
  USER_NOT_FOUND: { code: 10000, message: 'user does not exist' },
  BAD_VERIFICATION_CODE: { code: 10001, message: 'wrong verification code' },
  BAD_PARAMETER: { code: 10002, message: 'bad parameter' },
  TOKEN_MISSING: { code: 10003, message: 'access-token header is missing' },
  USER_EXISTS: { code: 10004, message: 'user already exists' },
  ALREADY_FRIEND: { code: 10005, message: 'already in friend list' },
  IN_BLACKLIST: { code: 10006, message: 'in blacklist' },
  FRIEND_APPLICATION_NOT_FOUND: { code: 10007, message: 'friend application does not exist or has expired' },
  TOKEN_FORMAT: { code: 10008, message: 'invalid access-token format' },
  FILE_STORAGE: { code: 10009, message: 'file storage error' },
  NO_PERMISSION: { code: 10010, message: 'no permission' },
  ALREADY_BOUND: { code: 10011, message: 'already bound' },
  FRIEND_APPLICATION_DECLINED: { code: 10012, message: 'the user declined the friend application' },
  // Codes of this project, in the same range (README lists them).
  WRONG_CREDENTIALS: { code: 10013, message: 'login name or password is wrong' },
  USER_DISABLED: { code: 10014, message: 'user is disabled' },
  RATE_LIMITED: { code: 10015, message: 'too many requests; try again later' },
  ROUTE_NOT_FOUND: { code: 10016, message: 'no such operation' },
  PAYLOAD_TOO_LARGE: { code: 10017, message: 'request body is too large' },
  BAD_FILE_TYPE: { code: 10018, message: 'file type is not allowed' },
  SMS_UNAVAILABLE: { code: 10019, message: 'the verification code could not be sent; try again later' },
  NOT_FRIEND: { code: 10020, message: 'not in friend list' },
  NOT_SUPPORTED: { code: 10021, message: 'this gateway does not provide that service' },
  PUSH_NOT_CONFIGURED: {
    code: 10022,
    message: "push is not configured: set PUSH_SECRET_KEY on the server and the app's credentials with POST /push/certificate",
  },
  ACCOUNT_DELETED: { code: 10023, message: 'this account was deleted by its owner; it cannot log in again' },
  // Codes MaxIM's SDK UI reacts to (its mobile and account pages).
  WRONG_PASSWORD: { code: 11001, message: 'wrong password' },
  BAD_CAPTCHA: { code: 11014, message: 'wrong picture code; ask for a new picture' },

  INTERNAL: { code: 20000, message: 'internal server error' },
  GROUP_NOT_FOUND: { code: 20001, message: 'group does not exist' },
  NOT_GROUP_MEMBER: { code: 20002, message: 'not a member of the group' },
  BAD_MSG_PUSH_MODE: { code: 20003, message: 'bad msg_push_mode' },
  OWNER_CANNOT_LEAVE: { code: 20004, message: 'the owner cannot leave the group; transfer it first' },
  TRANSFER_TARGET_NOT_MEMBER: { code: 20005, message: 'transfer target is not a member' },
  QUOTA_GROUPS_PER_APP: { code: 20007, message: 'quota exceeded: groups per app' },
  QUOTA_GROUPS_CREATED: { code: 20008, message: 'quota exceeded: groups created per user' },
  QUOTA_GROUPS_JOINED: { code: 20009, message: 'quota exceeded: groups joined per user' },
  QUOTA_GROUP_MEMBERS: { code: 20010, message: 'quota exceeded: members per group' },
  NEED_MEMBER: { code: 20011, message: 'needs member permission' },
  NEED_ADMIN: { code: 20012, message: 'needs admin permission' },
  NEED_OWNER: { code: 20013, message: 'needs owner permission' },
  APPLICATION_HANDLED: { code: 20014, message: 'application expired or already handled' },
  INVITATION_HANDLED: { code: 20015, message: 'invitation expired or already handled' },
  ALREADY_MEMBER: { code: 20017, message: 'already a member' },
  IN_GROUP_BLACKLIST: { code: 20018, message: "in the group's blacklist" },
  ANNOUNCEMENT_NOT_FOUND: { code: 20020, message: 'announcement does not exist' },
  SHARED_FILE_NOT_FOUND: { code: 20022, message: 'shared file does not exist' },
  SHARED_FILE_FORBIDDEN: { code: 20023, message: 'no permission on the shared file' },
  QR_INVALID: { code: 20024, message: 'QR code is invalid' },
  QR_EXPIRED: { code: 20025, message: 'QR code has expired' },
  // Codes of this project, in the same range (README lists them).
  ADMIN_CANNOT_LEAVE: { code: 20026, message: 'an admin cannot leave the group on the legacy surface; ask the owner to remove the admin role first' },
  FACE_CODE_MISMATCH: { code: 20027, message: 'the face-to-face code does not match the group' },
  SERVICE_UNAVAILABLE: { code: 20028, message: 'the service is unavailable for a moment (a database or Redis outage); retry shortly' },

  APP_NOT_FOUND: { code: 40000, message: 'app_id does not exist' },
} as const

export type ErrorKey = keyof typeof ERRORS

export interface DomainErrorOptions {
  /**
   * The reason in Chinese, for the people using the old apps: the legacy `info` and the facade `detail`
   * show it instead of their code's general text (REST shows `reason`, for developers).
   */
  readonly zh?: string
  /** Seconds until the refused request may succeed (rate limits). */
  readonly retryAfterSeconds?: number
}

export class DomainError extends Error {
  readonly key: ErrorKey
  readonly code: number
  readonly zh?: string
  readonly retryAfterSeconds?: number

  /** `reason` replaces the default message when the caller can say more (which field, which id). */
  constructor(key: ErrorKey, reason?: string, options: DomainErrorOptions = {}) {
    super(reason ?? ERRORS[key].message)
    this.name = 'DomainError'
    this.key = key
    this.code = ERRORS[key].code
    if (options.zh !== undefined) this.zh = options.zh
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError
}
