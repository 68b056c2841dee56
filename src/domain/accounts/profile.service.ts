// Profile use cases: REST profile and single setters, the legacy extended profile, avatars, admin batches.
import type { Readable } from 'node:stream'
import { DomainError } from '../errors.ts'
import { fileUrlPath } from '../../platform/storage.ts'
import type { PicturesService } from '../files/pictures.service.ts'
import type { Actor, UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { NoticesService } from '../notices/notices.service.ts'
import type { NoticeLog } from '../notices/notices.types.ts'
import type { Db } from '../../platform/db.ts'
import { findUserById, findUsersByIds, lockUserAvatar, toUser, updateUser } from './accounts.repository.ts'
import { checkUsername } from './rules.ts'
import { checkLegacyProfile } from './legacy-profile.ts'
import { normalizeMobile } from './mobile.ts'
import type { VerificationService } from './verification.service.ts'
import type { BatchResult, LegacyProfileChanges, ProfileChanges, User } from './accounts.types.ts'
import { AVATAR_MAX_BYTES } from '../files/upload-limits.ts'

const TEXT_MAX = 4096
const AVATAR_TYPES = ['jpeg', 'png', 'bmp'] as const

function checkText(name: string, value: string | undefined, max = TEXT_MAX): void {
  if (value !== undefined && value.length > max) throw new DomainError('BAD_PARAMETER', `${name} must be at most ${max} characters`)
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'this operation needs the app admin token')
}

export class ProfileService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly verification: VerificationService,
    private readonly pictures: PicturesService,
    private readonly notices: NoticesService,
  ) {}

  /** Changes the fields given, leaves the others; an avatar must be an external URL or one of the user's uploads. */
  async update(appId: string, userId: number, changes: ProfileChanges): Promise<void> {
    checkText('nick_name', changes.nickName, 64)
    checkText('avatar', changes.avatar, 1024)
    checkText('description', changes.description)
    checkText('public_info', changes.publicInfo)
    checkText('private_info', changes.privateInfo)
    const values = {
      nick_name: changes.nickName,
      description: changes.description,
      public_info: changes.publicInfo,
      private_info: changes.privateInfo,
    }
    // The user's (other) devices hear INFO_UPDATED with the changed fields as REST names them.
    const tell = (notices: NoticeLog, changed: object) =>
      notices.record({ appId, kind: 'user', type: 'INFO_UPDATED', actorId: userId, content: JSON.stringify(changed) }, { users: [userId] })
    if (changes.avatar === undefined) {
      await this.requireUser(appId, userId)
      await this.notices.transaction(async (trx, notices) => {
        await updateUser(trx, userId, values)
        await tell(notices, values)
      })
      return
    }
    const avatar = changes.avatar
    const released = await this.notices.transaction(async (trx, notices) => {
      const current = await lockUserAvatar(trx, appId, userId)
      const claimed = await this.pictures.claim(trx, { appId, userId }, avatar, current)
      await updateUser(trx, userId, { ...values, avatar: claimed })
      await tell(notices, { ...values, avatar: claimed })
      return claimed === current ? undefined : this.pictures.release(trx, { appId, userId }, current)
    })
    await this.pictures.removeReleased(released)
  }

  async setUsername(appId: string, userId: number, username: string): Promise<void> {
    checkUsername(username)
    await this.requireUser(appId, userId)
    if (!(await updateUser(this.ctx.db, userId, { username }))) throw new DomainError('USER_EXISTS', 'this username is taken')
  }

  /**
   * Binds or changes the user's mobile. A user proves the new number with a code sent to it (a bind code,
   * or one from /app/captcha/sms_web); the app admin token sets it directly (002 §3.18). A user who sends
   * no code (MaxIM's settings page does not) sets it unverified: shown back to them only, never a login
   * name nor found by others, until a code proves it; the number already bound stays bound meanwhile.
   */
  async setMobile(actor: UserActor, input: string, code: string | undefined): Promise<void> {
    const mobile = normalizeMobile(input)
    await this.requireUser(actor.appId, actor.userId)
    if (!actor.isAdmin && !code) {
      await updateUser(this.ctx.db, actor.userId, { mobile_unverified: mobile })
      return
    }
    const codeId = actor.isAdmin ? undefined : await this.verification.check(actor.appId, mobile, ['bind', 'mobile'], code!)
    await this.bindVerified(actor.appId, actor.userId, mobile, codeId === undefined ? [] : [codeId])
  }

  /** Makes `mobile` the user's verified number, using the checked codes in the same transaction; an unverified one goes. */
  async bindVerified(appId: string, userId: number, mobile: string, codeIds: number[], also?: (trx: Db) => Promise<void>): Promise<void> {
    await this.requireUser(appId, userId)
    await inTransaction(this.ctx.db, async (trx) => {
      for (const codeId of codeIds) await this.verification.consume(trx, codeId)
      if (also) await also(trx)
      // Last statement: a number taken meanwhile rolls back, and the code stays unused.
      if (!(await updateUser(trx, userId, { mobile, mobile_unverified: null })))
        throw new DomainError('ALREADY_BOUND', 'this mobile number is bound to another user')
    })
  }

  /**
   * Legacy `updateUser`: the extended profile is merged, so fields not sent keep their values. The mobile is
   * the login name: apps send the whole form back, so the number the user already has is accepted (however
   * it is written) and changes nothing; any other number is refused, since it changes only through a flow that
   * proves the new number (REST /user/mobile).
   */
  async updateLegacy(appId: string, userId: number, changes: LegacyProfileChanges): Promise<void> {
    checkText('nickName', changes.nickName, 64)
    for (const [name, value] of Object.entries(changes.profile)) checkText(name, value, 256)
    const profile = checkLegacyProfile(changes.profile)
    const mobile = changes.mobile === undefined ? undefined : normalizeMobile(changes.mobile, 'phoneNumber')
    const user = await this.requireUser(appId, userId)
    if (mobile !== undefined && user.mobile !== mobile) {
      throw new DomainError('NO_PERMISSION', 'the mobile number is the login name and cannot be changed by updateUser', {
        zh: '手机号是登录账号，不能在修改资料时更改',
      })
    }
    await updateUser(this.ctx.db, userId, {
      nick_name: changes.nickName,
      profile: JSON.stringify({ ...user.profile, ...profile }),
    })
  }

  /** Stores an uploaded image (jpg, png, bmp by content, at most 3 MB) as the avatar; the old one goes if it was the user's and nothing else shows it. */
  async uploadAvatar(appId: string, userId: number, image: Readable): Promise<User> {
    await this.requireUser(appId, userId)
    const stored = await this.ctx.files.save(image, { folder: 'avatars', maxBytes: AVATAR_MAX_BYTES, accept: AVATAR_TYPES })
    const avatar = fileUrlPath(stored.path)
    let released: string | undefined
    try {
      released = await inTransaction(this.ctx.db, async (trx) => {
        await this.pictures.record(trx, { path: stored.path, appId, ownerUserId: userId, kind: 'picture' })
        const current = await lockUserAvatar(trx, appId, userId)
        await updateUser(trx, userId, { avatar })
        return this.pictures.release(trx, { appId, userId }, current)
      })
    } catch (error) {
      await this.ctx.files.remove(stored.path)
      throw error
    }
    await this.pictures.removeReleased(released)
    return this.requireUser(appId, userId)
  }

  /** Admin: the same update for many users; each line answers on its own. */
  async updateMany(actor: Actor, list: Array<{ userId: number } & ProfileChanges>): Promise<BatchResult[]> {
    requireAdmin(actor)
    const known = new Set(
      (
        await findUsersByIds(
          this.ctx.db,
          actor.appId,
          list.map((l) => l.userId),
        )
      ).map((u) => u.id),
    )
    const results: BatchResult[] = []
    for (const { userId, ...changes } of list) {
      if (!known.has(userId)) {
        results.push({ user_id: userId, success: false, reason: `user ${userId} does not exist` })
        continue
      }
      try {
        await this.update(actor.appId, userId, changes)
        results.push({ user_id: userId, success: true, reason: '' })
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        results.push({ user_id: userId, success: false, reason: error.message })
      }
    }
    return results
  }

  private async requireUser(appId: string, userId: number): Promise<User> {
    const row = await findUserById(this.ctx.db, appId, userId)
    if (!row) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    return toUser(row)
  }
}
