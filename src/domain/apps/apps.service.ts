// Tenants: the default app and its admin token at first start, and the check that an app exists.
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import { appExists, insertAppIfMissing, lockDefaultApp } from './apps.repository.ts'

/** The shape of every app id (DEFAULT_APP_ID and created apps). */
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/

export class AppsService {
  readonly #known = new Set<string>()

  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Creates the default app if missing and makes sure it has an admin token: `adminToken` when
   * given (revoking any other), else a generated one, returned so the caller can show it once. Serialised by an
   * advisory lock so that processes starting together create one app and one token.
   */
  async ensureDefaultApp(adminToken: string | undefined): Promise<{ generatedAdminToken?: string }> {
    const appId = this.ctx.settings.defaultAppId
    return inTransaction(this.ctx.db, async (trx) => {
      await lockDefaultApp(trx)
      await insertAppIfMissing(trx, appId)
      // A configured token is the one admin token: a rotated-away or generated one stops working.
      return this.accounts.ensureAdminToken(trx, appId, adminToken)
    })
  }

  /** The app named by a REST `app_id` header, or the default app when there is none. */
  async resolveApp(appId: string | undefined): Promise<string> {
    const id = appId || this.ctx.settings.defaultAppId
    if (this.#known.has(id)) return id
    // An id no app can have (app ids are 1–64 letters, digits, _ and -) is not looked up: a NUL would not even reach the table.
    if (!APP_ID.test(id) || !(await appExists(this.ctx.db, id))) throw new DomainError('APP_NOT_FOUND', `app_id ${JSON.stringify(id)} does not exist`)
    this.#known.add(id) // apps are never deleted, so a known id stays valid
    return id
  }
}
