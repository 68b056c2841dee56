// Domain objects of accounts: users, their settings and legacy profile, devices, issued tokens.
import type { UserRow } from '../../platform/tables.ts'
import type { LegacyProfile } from '../../platform/tables.ts'

export type { LegacyProfile }

export interface User {
  id: number
  appId: string
  username: string | null
  mobile: string | null
  email: string | null
  nickName: string
  /** As stored: an absolute URL given by a client, or a path of our own file store. */
  avatar: string
  description: string
  publicInfo: string
  privateInfo: string
  profile: LegacyProfile
  disabled: boolean
  /** A number set without a code: shown back to its owner only (never a login name, never sent codes). */
  mobileUnverified: string | null
  /** The owner closed the account (POST /user/delete). */
  deleted: boolean
  createdAt: number
}

export interface UserSettings {
  id: number
  userId: number
  authMode: number
  authQuestion: string
  authAnswer: string
  autoDownload: boolean
  groupConfirm: boolean
  noPush: boolean
  noPushDetail: boolean
  noPushStartHour: number
  noPushEndHour: number
  noSounds: boolean
  pushNickName: string
  pushToken: string
  silenceStartTime: number
  silenceEndTime: number
  vibratory: boolean
}

/** How a login names its user: by id, by username only, or by username, mobile or email. */
export type LoginName =
  | { by: 'id'; userId: number }
  | { by: 'username'; username: string }
  /** A username, an email (holds '@') or a mobile number in any usual writing (see mobile.ts). */
  | { by: 'any'; loginName: string }
  /** Resolved forms: `mobile` in E.164. */
  | { by: 'mobile'; mobile: string }
  | { by: 'email'; email: string }

export interface DeviceInfo {
  /** A client-chosen identity of the device: REST `device_guid`, legacy `client`. */
  guid: string
  platform?: number
  userAgent?: string
}

export interface IssuedToken {
  token: string
  tokenId: number
  userId: number
  /** Epoch ms. */
  expiresAt: number
  device: { id: number; sn: number; pushToken: string } | null
}

/** Profile fields a user sets on REST (`/user/profile`, single setters). */
export interface ProfileChanges {
  nickName?: string
  avatar?: string
  description?: string
  publicInfo?: string
  privateInfo?: string
}

/** The legacy `updateUser` fields: only those sent change. */
export interface LegacyProfileChanges {
  nickName?: string
  mobile?: string
  profile: LegacyProfile
}

/** One line of an admin batch: whether it worked, and why not. */
export interface BatchResult {
  user_id: number
  success: boolean
  reason: string
}

/** A users row as the domain object every module shows (modules that join users read it through this). */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    appId: row.app_id,
    username: row.username,
    mobile: row.mobile,
    email: row.email,
    nickName: row.nick_name,
    avatar: row.avatar,
    description: row.description,
    publicInfo: row.public_info,
    privateInfo: row.private_info,
    profile: row.profile ?? {},
    disabled: row.disabled,
    mobileUnverified: row.mobile_unverified,
    deleted: row.deleted_at !== null,
    createdAt: row.created_at.getTime(),
  }
}

/**
 * What a verification code proves: a new account's mobile, a password reset, binding a mobile to an account, or
 * (`mobile`, sent by /app/captcha/sms_web after a picture captcha) that the caller reads this number, for the step that follows.
 */
export type CodePurpose = 'register' | 'reset' | 'bind' | 'mobile'
