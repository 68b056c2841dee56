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
export type LegacyProfile = Partial<
  Record<
    'sex' | 'age' | 'country' | 'province' | 'city' | 'district' | 'street' | 'company' | 'occupation' | 'role' | 'degrees' | 'school' | 'signature',
    string
  >
>

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
  /** A number its owner set without a code (migration 0014): shown to them only, never a login name. */
  mobile_unverified: Generated<string | null>
  /** When the owner closed the account; the row stays (messages name it) and so does the username. */
  deleted_at: Generated<Date | null>
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
  purpose: 'register' | 'reset' | 'bind' | 'mobile'
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
  /** The session token this one was derived from (the facade's key); null for a session's own token. */
  parent_id: ColumnType<number | null, number | null | undefined, number | null>
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

/** Mobiles migration 0007 took off their accounts (not a number, or another account kept it): for an operator. */
export interface UsersMobileSetAsideTable {
  id: Generated<number>
  user_id: number
  app_id: string
  mobile: string
  normalized: string | null
  reason: string
  set_aside_at: CreatedAt
}

/** Who a stored file belongs to (migration 0008): the uploader, or the group it was uploaded for. */
export interface StoredFilesTable {
  /** Path in the file store, e.g. `avatars/<32 hex>.png`. */
  path: string
  app_id: string
  owner_user_id: number | null
  owner_group_id: number | null
  /** picture: an avatar or a cover, may be shown as one; chat: read by its sign only. */
  kind: 'picture' | 'chat'
  created_at: CreatedAt
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

export interface GroupsTable {
  id: Generated<number>
  app_id: string
  owner_id: number
  name: Generated<string>
  description: Generated<string>
  avatar: Generated<string>
  type: Generated<number>
  status: Generated<number>
  member_invite: Generated<boolean>
  member_modify: Generated<boolean>
  apply_approval: Generated<number>
  read_ack: Generated<boolean>
  history_visible: Generated<boolean>
  /** Epoch seconds; -1 forever; 0 none. */
  ban_expire_time: Generated<number>
  ext: Generated<string>
  project_name: Generated<string>
  group_type: Generated<number>
  code: Generated<string>
  member_count: Generated<number>
  /** Ordinary members see each other's ids only (MaxIM's hide_member_info). */
  hide_member_info: Generated<boolean>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export type GroupRole = 'owner' | 'admin' | 'member'

export interface GroupMembersTable {
  id: Generated<number>
  group_id: number
  user_id: number
  role: ColumnType<GroupRole, GroupRole | undefined, GroupRole>
  display_name: Generated<string>
  msg_mute_mode: Generated<number>
  msg_push_mode: Generated<number>
  /** Epoch seconds; -1 forever; 0 none. */
  ban_expire: Generated<number>
  joined_at: CreatedAt
}

export interface GroupApplicationsTable {
  id: Generated<number>
  group_id: number
  applicant_id: number
  reason: Generated<string>
  status: Generated<number>
  expires_at: Date
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface GroupInvitationsTable {
  id: Generated<number>
  group_id: number
  inviter_id: number | null
  invitee_id: number
  reason: Generated<string>
  status: Generated<number>
  expires_at: Date
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface GroupBlocksTable {
  group_id: number
  user_id: number
  created_at: CreatedAt
}

export interface GroupAnnouncementsTable {
  id: Generated<number>
  group_id: number
  author_id: number | null
  title: Generated<string>
  content: Generated<string>
  created_at: CreatedAt
}

export interface GroupFilesTable {
  id: Generated<number>
  group_id: number
  uploader_id: number | null
  name: string
  size: Generated<number>
  type: Generated<string>
  url: string
  created_at: CreatedAt
  updated_at: UpdatedAt
}

/** Groups migration 0010 moved to a fresh id because a user had theirs (users and groups share one id space). */
export interface GroupsRenumberedTable {
  old_id: number
  new_id: number
  app_id: string
  renumbered_at: CreatedAt
}

export interface GroupQrKeysTable {
  app_id: string
  secret: string
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
  /** 0: the sender as a whole; otherwise the devices.id the transaction id belongs to (xsync client_mid). */
  scope: Generated<number>
  transaction_id: number
  msg_ids: ColumnType<number[], number[] | undefined, number[]>
  created_at: number
}

export interface XsyncCursorsTable {
  device_id: number
  conversation_id: number
  synced_seq: Generated<number>
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

/** An app's credentials for one push provider (migration 0011); the secret fields are sealed with PUSH_SECRET_KEY. */
export interface PushCredentialsTable {
  app_id: string
  /** 002 §4: 1 APNs, 2 Huawei, 3 Xiaomi, 4 Meizu, 5 vivo, 6 OPPO, 7 FCM; 8 Web Push. */
  provider: number
  /** 0 production, 1 development (APNs sandbox). */
  environment: Generated<number>
  settings: Generated<Record<string, unknown>>
  sealed_secret: string
  updated_at: ColumnType<Date, Date | undefined, Date>
}

/** A POST /push/notify task; `request_id` dedupes per app. */
export interface PushTasksTable {
  id: Generated<number>
  app_id: string
  request_id: string | null
  audience: unknown
  setting: Generated<unknown>
  message: unknown
  created_at: CreatedAt
}

/** Per task and channel ('mxpush', 'apns', 'fcm', …): devices targeted, sent to, acknowledged. */
export interface PushTaskCountsTable {
  task_id: number
  channel: string
  target: Generated<number>
  sent: Generated<number>
  received: Generated<number>
}

/** The push outbox: one row per message or task, expanded into per-device sends by the worker. */
export interface PushOutboxTable {
  id: Generated<number>
  app_id: string
  kind: 'message' | 'task'
  message_id: number | null
  task_id: number | null
  payload: Generated<unknown>
  attempts: Generated<number>
  due_at: ColumnType<Date, Date | undefined, Date>
  created_at: CreatedAt
}

export interface UserNoticesTable {
  id: Generated<number>
  app_id: string
  user_id: number
  kind: 'group' | 'roster' | 'user'
  type: string
  group_id: number | null
  actor_id: number | null
  subject_ids: ColumnType<number[], number[] | undefined, number[]>
  content: Generated<string>
  created_at: CreatedAt
}

export interface DeviceNoticeCursorsTable {
  device_id: number
  seen_id: ColumnType<number, number, number>
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
  users_mobile_set_aside: UsersMobileSetAsideTable
  stored_files: StoredFilesTable
  roster_items: RosterItemsTable
  roster_applications: RosterApplicationsTable
  roster_versions: RosterVersionsTable
  groups: GroupsTable
  group_members: GroupMembersTable
  group_applications: GroupApplicationsTable
  group_invitations: GroupInvitationsTable
  group_blocks: GroupBlocksTable
  group_announcements: GroupAnnouncementsTable
  group_files: GroupFilesTable
  group_qr_keys: GroupQrKeysTable
  groups_renumbered: GroupsRenumberedTable
  conversations: ConversationsTable
  messages: MessagesTable
  conversation_states: ConversationStatesTable
  message_transactions: MessageTransactionsTable
  xsync_cursors: XsyncCursorsTable
  presence_processes: PresenceProcessesTable
  presence_connections: PresenceConnectionsTable
  push_credentials: PushCredentialsTable
  push_tasks: PushTasksTable
  push_task_counts: PushTaskCountsTable
  push_outbox: PushOutboxTable
  user_notices: UserNoticesTable
  device_notice_cursors: DeviceNoticeCursorsTable
}

export type MessageRow = Selectable<MessagesTable>

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserSettingsRow = Selectable<UserSettingsTable>
export type RosterApplicationRow = Selectable<RosterApplicationsTable>
export type GroupRow = Selectable<GroupsTable>
export type GroupMemberRow = Selectable<GroupMembersTable>
export type GroupApplicationRow = Selectable<GroupApplicationsTable>
export type GroupInvitationRow = Selectable<GroupInvitationsTable>
export type GroupAnnouncementRow = Selectable<GroupAnnouncementsTable>
export type GroupFileRow = Selectable<GroupFilesTable>
