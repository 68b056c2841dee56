// Row types of every table, as Kysely sees them; migrations/ is the source of truth for the schema.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export interface AppsTable {
  id: string
  name: Generated<string>
  created_at: CreatedAt
}

/** The legacy extended profile; every value is a string, as the legacy documents print it. */
export type LegacyProfile = Partial<Record<
  'sex' | 'age' | 'country' | 'province' | 'city' | 'district' | 'street' | 'company'
  | 'occupation' | 'role' | 'degrees' | 'school' | 'signature', string>>

export interface UsersTable {
  id: Generated<number>
  app_id: string
  username: string | null
  mobile: string | null
  email: string | null
  password_hash: string | null
  nick_name: Generated<string>
  avatar: Generated<string>
  description: Generated<string>
  public_info: Generated<string>
  private_info: Generated<string>
  profile: ColumnType<LegacyProfile, string | undefined, string>
  disabled: Generated<boolean>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface UserSettingsTable {
  id: Generated<number>
  user_id: number
  auth_mode: Generated<number>
  auth_question: Generated<string>
  auth_answer: Generated<string>
  auto_download: Generated<boolean>
  group_confirm: Generated<boolean>
  no_push: Generated<boolean>
  no_push_detail: Generated<boolean>
  no_push_start_hour: Generated<number>
  no_push_end_hour: Generated<number>
  no_sounds: Generated<boolean>
  push_nick_name: Generated<string>
  silence_start_time: Generated<number>
  silence_end_time: Generated<number>
  vibratory: Generated<boolean>
  push_alias: Generated<string>
  push_badge: Generated<number>
}

export interface DevicesTable {
  id: Generated<number>
  user_id: number
  device_sn: number
  device_guid: string
  platform: Generated<number>
  push_token: string
  user_agent: Generated<string>
  device_token: Generated<string>
  notifier_name: Generated<string>
  created_at: CreatedAt
  last_login_at: UpdatedAt
}

export interface VerificationCodesTable {
  id: Generated<number>
  app_id: string
  target: string
  purpose: 'register' | 'reset'
  code_digest: string
  attempts: Generated<number>
  created_at: CreatedAt
  expires_at: Date
  used_at: Date | null
}

export interface UserPushTagsTable {
  user_id: number
  tag: string
}

export interface UserOpenIdsTable {
  app_id: string
  type: string
  open_id: string
  user_id: number
  created_at: CreatedAt
}

export interface TokensTable {
  id: Generated<number>
  app_id: string
  kind: 'user' | 'admin'
  user_id: number | null
  device_id: number | null
  digest: string
  client: Generated<string>
  created_at: CreatedAt
  expires_at: Date | null
  revoked_at: Date | null
}

export interface UploadsTable {
  id: string
  app_id: string
  user_id: number
  purpose: 'avatar_user' | 'avatar_group' | 'chat'
  file_type: Generated<number>
  to_type: Generated<number>
  to_id: Generated<number>
  expires_at: Date
  stored_path: string | null
  size: number | null
  mime: string | null
  created_at: CreatedAt
  uploaded_at: Date | null
}

export interface RosterItemsTable {
  user_id: number
  roster_id: number
  app_id: string
  relation: number
  blocked: Generated<boolean>
  alias: Generated<string>
  ext: Generated<string>
  mute_notification: Generated<boolean>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface RosterApplicationsTable {
  id: Generated<number>
  app_id: string
  applicant_id: number
  target_id: number
  status: Generated<number>
  reason: Generated<string>
  alias: Generated<string>
  decline_reason: Generated<string>
  created_at: CreatedAt
  updated_at: UpdatedAt
  expires_at: Date
}

export interface RosterVersionsTable {
  user_id: number
  roster_version: Generated<number>
  apply_version: Generated<number>
}

export interface Tables {
  apps: AppsTable
  users: UsersTable
  user_settings: UserSettingsTable
  devices: DevicesTable
  tokens: TokensTable
  verification_codes: VerificationCodesTable
  user_push_tags: UserPushTagsTable
  user_open_ids: UserOpenIdsTable
  uploads: UploadsTable
  roster_items: RosterItemsTable
  roster_applications: RosterApplicationsTable
  roster_versions: RosterVersionsTable
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserSettingsRow = Selectable<UserSettingsTable>
export type DeviceRow = Selectable<DevicesTable>
export type TokenRow = Selectable<TokensTable>
export type RosterItemRow = Selectable<RosterItemsTable>
export type RosterApplicationRow = Selectable<RosterApplicationsTable>
