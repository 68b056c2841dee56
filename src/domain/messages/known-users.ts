// Users messaging names (senders, targets, peers) must exist; users are never deleted (a closed account keeps its row), so one found is remembered.
import { DomainError } from '../errors.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'

export class KnownUsers {
  private readonly known = new Set<string>()

  constructor(private readonly accounts: AccountsService) {}

  /** Refuses the first id that is not a user of the app; known users cost no lookup (bounded). */
  async require(appId: string, ids: number[]): Promise<void> {
    const unknown = ids.filter((id) => !this.known.has(`${appId}:${id}`))
    if (unknown.length === 0) return
    const found = await this.accounts.existingIds(appId, unknown)
    const missing = unknown.find((id) => !found.has(id))
    if (missing !== undefined) throw new DomainError('USER_NOT_FOUND', `user ${missing} does not exist`)
    if (this.known.size > 100_000) this.known.clear()
    for (const id of unknown) this.known.add(`${appId}:${id}`)
  }
}
