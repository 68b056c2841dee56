// The domain core every surface calls: one instance of each service over one context.
import type { DomainContext } from './context.ts'
import { AccountsService } from './accounts/accounts.service.ts'
import { AppsService } from './apps/apps.service.ts'
import { RosterService } from './roster/roster.service.ts'

export interface Services {
  readonly apps: AppsService
  readonly accounts: AccountsService
  readonly roster: RosterService
}

export function createServices(ctx: DomainContext): Services {
  return {
    apps: new AppsService(ctx),
    accounts: new AccountsService(ctx),
    roster: new RosterService(ctx),
  }
}
