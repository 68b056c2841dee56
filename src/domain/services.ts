// The domain core every surface calls: one instance of each service over one context.
import type { DomainContext } from './context.ts'
import { AccountsService } from './accounts/accounts.service.ts'
import { DevicesService } from './accounts/devices.service.ts'
import { ProfileService } from './accounts/profile.service.ts'
import { SecurityService } from './accounts/security.service.ts'
import { SettingsService } from './accounts/settings.service.ts'
import { VerificationService } from './accounts/verification.service.ts'
import { AppsService } from './apps/apps.service.ts'
import { MessagesService } from './messages/messages.service.ts'
import { PresenceService } from './messages/presence.service.ts'
import { EVERYONE_MAY_MESSAGE, NO_GROUPS, type FriendDirectory, type GroupDirectory } from './messages/messages.types.ts'

export interface Services {
  readonly apps: AppsService
  readonly accounts: AccountsService
  readonly verification: VerificationService
  readonly profile: ProfileService
  readonly settings: SettingsService
  readonly devices: DevicesService
  readonly security: SecurityService
  readonly messages: MessagesService
  readonly presence: PresenceService
}

/** What messaging asks of groups and rosters; tests hand in their own. */
export interface Directories {
  groups?: GroupDirectory
  friends?: FriendDirectory
}

export function createServices(ctx: DomainContext, directories: Directories = {}): Services {
  const verification = new VerificationService(ctx)
  const accounts = new AccountsService(ctx, verification)
  return {
    apps: new AppsService(ctx),
    accounts,
    verification,
    profile: new ProfileService(ctx),
    settings: new SettingsService(ctx),
    devices: new DevicesService(ctx, accounts),
    security: new SecurityService(ctx, accounts, verification),
    // TODO(merge groups/roster): the groups service answers GroupDirectory and the roster service
    // FriendDirectory (its mayMessage); until then every group is unknown (20001) and there is no blacklist.
    messages: new MessagesService(ctx, directories.groups ?? NO_GROUPS, directories.friends ?? EVERYONE_MAY_MESSAGE),
    presence: new PresenceService(ctx),
  }
}
