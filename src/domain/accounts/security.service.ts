// Passwords and account status: change and reset (both sign out everywhere), disable and enable (admin).
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { hashDigest, verifyDigest } from '../../platform/passwords.ts'
import { findUserById, findUserByLoginName, setDisabled, setPasswordHash } from './accounts.repository.ts'
import { normalizeMobile } from './mobile.ts'
import type { AccountsService } from './accounts.service.ts'
import type { VerificationService } from './verification.service.ts'

export class SecurityService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
    private readonly verification: VerificationService,
  ) {}

  /** Needs the old password; every token of the user is revoked, the client logs in again. */
  async changePassword(appId: string, userId: number, oldDigest: string, newDigest: string): Promise<void> {
    const user = await findUserById(this.ctx.db, appId, userId)
    if (!user) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    if (!user.password_hash || !(await verifyDigest(user.password_hash, oldDigest))) {
      throw new DomainError('WRONG_CREDENTIALS', 'the old password is wrong')
    }
    await this.replacePassword(userId, newDigest)
  }

  /** Proves the signed-in user is at the keyboard (changing the bound number, closing the account): 11001 when wrong. */
  async checkPassword(appId: string, userId: number, digest: string): Promise<void> {
    const user = await findUserById(this.ctx.db, appId, userId)
    if (!user) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    if (!user.password_hash || !(await verifyDigest(user.password_hash, digest))) throw new DomainError('WRONG_PASSWORD')
  }

  /** Resets a forgotten password with a reset code sent to the user's mobile. */
  async resetPassword(appId: string, input: string, code: string, newDigest: string): Promise<void> {
    const mobile = normalizeMobile(input)
    const user = await findUserByLoginName(this.ctx.db, appId, { by: 'mobile', mobile })
    const codeId = await this.verification.check(appId, mobile, 'reset', code)
    if (!user) throw new DomainError('USER_NOT_FOUND', 'no user has this mobile number')
    await this.replacePassword(user.id, newDigest, codeId)
  }

  /** Admin: disabled users cannot log in and lose every token. */
  async setDisabled(actor: Actor, userIds: number[], disabled: boolean): Promise<void> {
    if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'this operation needs the app admin token')
    if (userIds.length === 0) return
    const revoked = await inTransaction(this.ctx.db, async (trx) => {
      const found = await setDisabled(trx, actor.appId, userIds, disabled)
      const missing = userIds.filter((id) => !found.includes(id))
      if (missing.length > 0) throw new DomainError('USER_NOT_FOUND', `users ${missing.join(', ')} do not exist`)
      if (!disabled) return []
      return (await Promise.all(userIds.map((id) => this.accounts.revokeIn(trx, { userId: id })))).flat()
    })
    await this.accounts.announceRevoked(revoked)
  }

  private async replacePassword(userId: number, newDigest: string, codeId?: number): Promise<void> {
    const hash = await hashDigest(newDigest)
    const revoked = await inTransaction(this.ctx.db, async (trx) => {
      if (codeId !== undefined) await this.verification.consume(trx, codeId)
      await setPasswordHash(trx, userId, hash)
      return this.accounts.revokeIn(trx, { userId })
    })
    await this.accounts.announceRevoked(revoked)
  }
}
