// Tenants: the default app and its admin token at first start, and the check that an app exists.
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { newToken, tokenDigest } from '../../platform/tokens.ts'
import { hasAdminToken, insertToken } from '../accounts/tokens.repository.ts'
import { sql } from 'kysely'

export class AppsService {
  readonly #known = new Set<string>()

  constructor(private readonly ctx: DomainContext) {}

  /**
   * Creates the default app if missing and makes sure it has an admin token: `adminToken` when
   * given (revoking any other), else a generated one, returned so the caller can show it once. Serialised by an
   * advisory lock so that processes starting together create one app and one token.
   */
  async ensureDefaultApp(adminToken: string | undefined): Promise<{ generatedAdminToken?: string }> {
    const appId = this.ctx.settings.defaultAppId
    return inTransaction(this.ctx.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('im-gateway:default-app'))`.execute(trx)
      await trx.insertInto('apps').values({ id: appId, name: appId }).onConflict((c) => c.doNothing()).execute()
      if (adminToken) {
        // The configured token is the one admin token: a rotated-away or generated one stops working.
        const digest = tokenDigest(adminToken)
        await trx.updateTable('tokens').set({ revoked_at: sql`now()` })
          .where('app_id', '=', appId).where('kind', '=', 'admin').where('digest', '!=', digest).where('revoked_at', 'is', null)
          .execute()
        await trx.insertInto('tokens')
          .values({ app_id: appId, kind: 'admin', user_id: null, device_id: null, digest, expires_at: null, revoked_at: null })
          .onConflict((c) => c.column('digest').doUpdateSet({ revoked_at: null }))
          .execute()
        return {}
      }
      if (await hasAdminToken(trx, appId)) return {}
      const token = newToken()
      await insertToken(trx, { appId, kind: 'admin', userId: null, deviceId: null, digest: tokenDigest(token), client: '', expiresAt: null })
      return { generatedAdminToken: token }
    })
  }

  /** The app named by a REST `app_id` header, or the default app when there is none. */
  async resolveApp(appId: string | undefined): Promise<string> {
    const id = appId || this.ctx.settings.defaultAppId
    if (this.#known.has(id)) return id
    const row = await this.ctx.db.selectFrom('apps').select('id').where('id', '=', id).executeTakeFirst()
    if (!row) throw new DomainError('APP_NOT_FOUND', `app_id ${JSON.stringify(id)} does not exist`)
    this.#known.add(id) // apps are never deleted, so a known id stays valid
    return id
  }
}
