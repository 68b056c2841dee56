// User settings and push preferences: the settings object, single setters, alias, badge, tags, bound open ids.
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { UserSettingsTable } from '../../platform/tables.ts'
import { findSettings, toSettings } from './accounts.repository.ts'
import { hasDeviceWithPushToken, pushTokenOf } from './devices.repository.ts'
import { addTags, insertOpenId, listTags, openIdOwner, removeTags, updateSettings, changeBadge, usersTagged } from './settings.repository.ts'
import { checkRange } from './rules.ts'
import type { UserSettings } from './accounts.types.ts'

/** The settable fields, in domain names; what is not given is left as it is. */
export type SettingsChanges = Partial<Omit<UserSettings, 'id' | 'userId' | 'pushToken'>>

const COLUMN = {
  authMode: 'auth_mode',
  authQuestion: 'auth_question',
  authAnswer: 'auth_answer',
  autoDownload: 'auto_download',
  groupConfirm: 'group_confirm',
  noPush: 'no_push',
  noPushDetail: 'no_push_detail',
  noPushStartHour: 'no_push_start_hour',
  noPushEndHour: 'no_push_end_hour',
  noSounds: 'no_sounds',
  pushNickName: 'push_nick_name',
  silenceStartTime: 'silence_start_time',
  silenceEndTime: 'silence_end_time',
  vibratory: 'vibratory',
} as const satisfies Record<keyof SettingsChanges, keyof UserSettingsTable>

const TAG = /^[^\s,]{1,64}$/
const MAX_TAGS = 100

export class SettingsService {
  constructor(private readonly ctx: DomainContext) {}

  /** The settings object; `push_token` is that of the device the caller's token was issued for. */
  async get(userId: number, deviceId: number | null): Promise<UserSettings> {
    const row = await findSettings(this.ctx.db, userId)
    if (!row) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    const pushToken = deviceId === null ? undefined : await pushTokenOf(this.ctx.db, deviceId)
    return toSettings(row, pushToken ?? '')
  }

  async update(userId: number, changes: SettingsChanges): Promise<void> {
    if (changes.authMode !== undefined) checkRange('auth_mode', changes.authMode, 0, 3)
    if (changes.noPushStartHour !== undefined) checkRange('no_push_start_hour', changes.noPushStartHour, 0, 23)
    if (changes.noPushEndHour !== undefined) checkRange('no_push_end_hour', changes.noPushEndHour, 0, 23)
    if (changes.silenceStartTime !== undefined) checkRange('silence_start_time', changes.silenceStartTime, 0, 2359)
    if (changes.silenceEndTime !== undefined) checkRange('silence_end_time', changes.silenceEndTime, 0, 2359)
    for (const name of ['authQuestion', 'authAnswer', 'pushNickName'] as const) {
      if ((changes[name]?.length ?? 0) > 256) throw new DomainError('BAD_PARAMETER', `${COLUMN[name]} must be at most 256 characters`)
    }
    if (changes.authMode === 2) {
      const current = await findSettings(this.ctx.db, userId)
      const question = changes.authQuestion ?? current?.auth_question ?? ''
      const answer = changes.authAnswer ?? current?.auth_answer ?? ''
      if (!question || !answer) throw new DomainError('BAD_PARAMETER', 'auth_mode 2 needs auth_question and auth_answer')
    }
    const values: Record<string, unknown> = {}
    for (const [key, column] of Object.entries(COLUMN)) {
      const value = changes[key as keyof SettingsChanges]
      if (value !== undefined) values[column] = value
    }
    if (Object.keys(values).length === 0) return
    await updateSettings(this.ctx.db, userId, values)
  }

  async setAlias(userId: number, alias: string, pushToken: string | undefined): Promise<void> {
    if (alias.length > 128) throw new DomainError('BAD_PARAMETER', 'alias must be at most 128 characters')
    if (pushToken !== undefined) {
      if (!(await hasDeviceWithPushToken(this.ctx.db, userId, pushToken)))
        throw new DomainError('BAD_PARAMETER', "push_token is not one of this user's devices")
    }
    await updateSettings(this.ctx.db, userId, { push_alias: alias })
  }

  async setBadge(userId: number, badge: number): Promise<void> {
    checkRange('badge', badge, 0, 99999)
    await updateSettings(this.ctx.db, userId, { push_badge: badge })
  }

  /** A push's badge for the user: set, or added to what the user's badge is (`/user/push/badge`, earlier pushes); answers the new one. */
  changeBadge(userId: number, change: { set: number } | { add: number }): Promise<number> {
    return changeBadge(this.ctx.db, userId, change)
  }

  async tags(userId: number): Promise<string[]> {
    return listTags(this.ctx.db, userId)
  }

  async addTags(userId: number, tags: string[]): Promise<void> {
    const clean = [...new Set(tags.map((t) => t.trim()))]
    const bad = clean.find((t) => !TAG.test(t))
    if (bad !== undefined) throw new DomainError('BAD_PARAMETER', `tag ${JSON.stringify(bad)} must be 1-64 characters without spaces or commas`)
    if (clean.length === 0) return
    await inTransaction(this.ctx.db, async (trx) => {
      if ((await addTags(trx, userId, clean)) > MAX_TAGS) throw new DomainError('BAD_PARAMETER', `a user has at most ${MAX_TAGS} tags`)
    })
  }

  /** The app's users holding any of the tags (set with /user/push/tag): the `tag` audience of /push/notify. */
  async usersTagged(appId: string, tags: string[], db: Db = this.ctx.db): Promise<number[]> {
    return usersTagged(db, appId, [...new Set(tags.map((t) => t.trim()))])
  }

  async removeTags(userId: number, tags: string[] | 'all'): Promise<void> {
    if (tags !== 'all' && tags.length === 0) return
    await removeTags(this.ctx.db, userId, tags === 'all' ? 'all' : tags.map((t) => t.trim()))
  }

  /** Binds a third-party open id (WeChat, …) to the account; one account per open id and type. */
  async bindOpenId(appId: string, userId: number, type: string, openId: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(type)) throw new DomainError('BAD_PARAMETER', 'type must be 1-32 letters, digits, _ or -')
    if (openId.length < 1 || openId.length > 256) throw new DomainError('BAD_PARAMETER', 'open_id must be 1-256 characters')
    if (await insertOpenId(this.ctx.db, appId, userId, type, openId)) return
    if ((await openIdOwner(this.ctx.db, appId, type, openId)) !== userId) throw new DomainError('ALREADY_BOUND', 'this open_id is bound to another account')
  }
}
