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

export interface ConversationsTable {
  id: Generated<number>
  app_id: string
  /** 1 a pair of users, 2 a group. */
  kind: 1 | 2
  peer_a: number
  peer_b: number
  last_seq: Generated<number>
  last_msg_at: Generated<number>
}

export interface MessagesTable {
  id: Generated<number>
  conversation_id: number
  seq: number
  sender_id: number
  sender_device_sn: Generated<number>
  target_id: number
  content_type: number
  content: Generated<string>
  attachment: Generated<string>
  config: Generated<string>
  ext: Generated<string>
  related_mid: number | null
  recalled: Generated<boolean>
  sent_at: number
}

export interface ConversationStatesTable {
  conversation_id: number
  user_id: number
  read_seq: Generated<number>
  delivered_seq: Generated<number>
  hidden_seq: Generated<number>
}

export interface MessageTransactionsTable {
  app_id: string
  sender_id: number
  transaction_id: number
  msg_ids: ColumnType<number[], number[] | undefined, number[]>
  created_at: number
}

export interface PresenceProcessesTable {
  process_id: string
  seen_at: ColumnType<Date, Date | undefined, Date>
}

export interface PresenceConnectionsTable {
  process_id: string
  user_id: number
  connections: number
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
  conversations: ConversationsTable
  messages: MessagesTable
  conversation_states: ConversationStatesTable
  message_transactions: MessageTransactionsTable
  presence_processes: PresenceProcessesTable
  presence_connections: PresenceConnectionsTable
}

export type MessageRow = Selectable<MessagesTable>
export type ConversationRow = Selectable<ConversationsTable>

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserSettingsRow = Selectable<UserSettingsTable>
export type DeviceRow = Selectable<DevicesTable>
export type TokenRow = Selectable<TokensTable>
