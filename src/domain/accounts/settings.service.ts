// User settings and push preferences: the settings object, single setters, alias, badge, tags, bound open ids.
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { UserSettingsTable } from '../../platform/tables.ts'
import { findSettings, toSettings } from './accounts.repository.ts'
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
    const device = deviceId === null ? undefined
      : await this.ctx.db.selectFrom('devices').select('push_token').where('id', '=', deviceId).executeTakeFirst()
    return toSettings(row, device?.push_token ?? '')
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
    await this.ctx.db.updateTable('user_settings').set(values).where('user_id', '=', userId).execute()
  }

  async setAlias(userId: number, alias: string, pushToken: string | undefined): Promise<void> {
    if (alias.length > 128) throw new DomainError('BAD_PARAMETER', 'alias must be at most 128 characters')
    if (pushToken !== undefined) {
      const device = await this.ctx.db.selectFrom('devices').select('id').where('user_id', '=', userId).where('push_token', '=', pushToken).executeTakeFirst()
      if (!device) throw new DomainError('BAD_PARAMETER', 'push_token is not one of this user\'s devices')
    }
    await this.ctx.db.updateTable('user_settings').set({ push_alias: alias }).where('user_id', '=', userId).execute()
  }

  async setBadge(userId: number, badge: number): Promise<void> {
    checkRange('badge', badge, 0, 99999)
    await this.ctx.db.updateTable('user_settings').set({ push_badge: badge }).where('user_id', '=', userId).execute()
  }

  async tags(userId: number): Promise<string[]> {
    const rows = await this.ctx.db.selectFrom('user_push_tags').select('tag').where('user_id', '=', userId).orderBy('tag').execute()
    return rows.map((r) => r.tag)
  }

  async addTags(userId: number, tags: string[]): Promise<void> {
    const clean = [...new Set(tags.map((t) => t.trim()))]
    const bad = clean.find((t) => !TAG.test(t))
    if (bad !== undefined) throw new DomainError('BAD_PARAMETER', `tag ${JSON.stringify(bad)} must be 1-64 characters without spaces or commas`)
    if (clean.length === 0) return
    await inTransaction(this.ctx.db, async (trx) => {
      await trx.insertInto('user_push_tags').values(clean.map((tag) => ({ user_id: userId, tag }))).onConflict((c) => c.doNothing()).execute()
      const { n } = await trx.selectFrom('user_push_tags').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()
      if (Number(n) > MAX_TAGS) throw new DomainError('BAD_PARAMETER', `a user has at most ${MAX_TAGS} tags`)
    })
  }

  async removeTags(userId: number, tags: string[] | 'all'): Promise<void> {
    let query = this.ctx.db.deleteFrom('user_push_tags').where('user_id', '=', userId)
    if (tags !== 'all') {
      if (tags.length === 0) return
      query = query.where('tag', 'in', tags.map((t) => t.trim()))
    }
    await query.execute()
  }

  /** Binds a third-party open id (WeChat, …) to the account; one account per open id and type. */
  async bindOpenId(appId: string, userId: number, type: string, openId: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(type)) throw new DomainError('BAD_PARAMETER', 'type must be 1-32 letters, digits, _ or -')
    if (openId.length < 1 || openId.length > 256) throw new DomainError('BAD_PARAMETER', 'open_id must be 1-256 characters')
    const row = await this.ctx.db.insertInto('user_open_ids').values({ app_id: appId, type, open_id: openId, user_id: userId })
      .onConflict((c) => c.columns(['app_id', 'type', 'open_id']).doNothing())
      .returning('user_id').executeTakeFirst()
    if (row) return
    const owner = await this.ctx.db.selectFrom('user_open_ids').select('user_id')
      .where('app_id', '=', appId).where('type', '=', type).where('open_id', '=', openId).executeTakeFirst()
    if (owner?.user_id !== userId) throw new DomainError('ALREADY_BOUND', 'this open_id is bound to another account')
  }
}
