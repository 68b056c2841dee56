// The domain core every surface calls: one instance of each service over one context.
import type { DomainContext } from './context.ts'
import { AccountsService } from './accounts/accounts.service.ts'
import { AppsService } from './apps/apps.service.ts'
import { GroupsService } from './groups/groups.service.ts'
import { AdmissionService, type AreFriends } from './groups/admission.service.ts'
import { GroupContentService } from './groups/content.service.ts'

export interface Services {
  readonly apps: AppsService
  readonly accounts: AccountsService
  readonly groups: GroupsService
  readonly groupAdmission: AdmissionService
  readonly groupContent: GroupContentService
}

export function createServices(ctx: DomainContext): Services {
  // TODO(roster): replace with RosterService.areFriends once merged; until then every user counts as a friend.
  const areFriends: AreFriends = async () => true
  return {
    apps: new AppsService(ctx),
    accounts: new AccountsService(ctx),
    groups: new GroupsService(ctx),
    groupAdmission: new AdmissionService(ctx, areFriends),
    groupContent: new GroupContentService(ctx),
  }
}
