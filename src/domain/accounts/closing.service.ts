// Closing one's own account (MaxIM's POST /user/delete): closed, not erased, in one transaction.
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { GroupsService } from '../groups/groups.service.ts'
import type { RosterService } from '../roster/roster.service.ts'
import type { AccountsService } from './accounts.service.ts'
import type { SecurityService } from './security.service.ts'

export class AccountClosingService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
    private readonly security: SecurityService,
    private readonly roster: RosterService,
    private readonly groups: GroupsService,
  ) {}

  /**
   * With the account's password: every token is revoked; devices, push tokens, tags and open ids go; friendships
   * and friend applications go both ways; the user leaves every group (an owned group passes on or is dismissed,
   * departure.ts); the profile is cleared. The row and its username stay: messages already sent keep their
   * sender, nobody can register the name, and a login answers 10023.
   */
  async close(actor: UserActor, passwordDigest: string): Promise<void> {
    await this.security.checkPassword(actor.appId, actor.userId, passwordDigest)
    const revoked = await inTransaction(this.ctx.db, async (trx) => {
      const tokenIds = await this.accounts.revokeIn(trx, { userId: actor.userId })
      await this.roster.forgetUserIn(trx, actor.userId)
      await this.groups.departEveryGroupIn(trx, actor.appId, actor.userId)
      await this.accounts.closeIn(trx, actor.userId)
      return tokenIds
    })
    await this.accounts.announceRevoked(revoked)
  }
}
