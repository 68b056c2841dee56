// The domain core every surface calls: one instance of each service over one context.
import type { DomainContext } from './context.ts'
import { AccountsService } from './accounts/accounts.service.ts'
import { DevicesService } from './accounts/devices.service.ts'
import { ProfileService } from './accounts/profile.service.ts'
import { SecurityService } from './accounts/security.service.ts'
import { SettingsService } from './accounts/settings.service.ts'
import { VerificationService } from './accounts/verification.service.ts'
import { AppsService } from './apps/apps.service.ts'
import { FilesService } from './files/files.service.ts'
import { PicturesService } from './files/pictures.service.ts'
import { RosterService } from './roster/roster.service.ts'
import { GroupsService } from './groups/groups.service.ts'
import { AdmissionService } from './groups/admission.service.ts'
import { GroupContentService } from './groups/content.service.ts'
import { MessagesService } from './messages/messages.service.ts'
import { ConversationResolver } from './messages/conversation-resolver.ts'
import { PresenceService } from './messages/presence.service.ts'
import { RetentionService } from './retention/retention.service.ts'
import type { FriendDirectory, GroupDirectory } from './messages/messages.types.ts'
import { friendDirectory, groupDirectory } from './messages/directories.ts'

export interface Services {
  readonly apps: AppsService
  readonly accounts: AccountsService
  readonly verification: VerificationService
  readonly profile: ProfileService
  readonly settings: SettingsService
  readonly devices: DevicesService
  readonly security: SecurityService
  readonly uploads: FilesService
  readonly roster: RosterService
  readonly groups: GroupsService
  readonly groupAdmission: AdmissionService
  readonly groupContent: GroupContentService
  readonly messages: MessagesService
  /** Which conversation an id names (users and groups share one id space). */
  readonly conversations: ConversationResolver
  readonly presence: PresenceService
  readonly retention: RetentionService
}

/** What messaging asks of groups and rosters; tests hand in their own. */
export interface Directories {
  groups?: GroupDirectory
  friends?: FriendDirectory
}

export function createServices(ctx: DomainContext, directories: Directories = {}): Services {
  const verification = new VerificationService(ctx)
  const accounts = new AccountsService(ctx, verification)
  const roster = new RosterService(ctx)
  const groupDir = directories.groups ?? groupDirectory(ctx)
  const messages = new MessagesService(ctx, groupDir, directories.friends ?? friendDirectory(roster))
  const pictures = new PicturesService(ctx)
  return {
    apps: new AppsService(ctx),
    accounts,
    verification,
    profile: new ProfileService(ctx, verification, pictures),
    settings: new SettingsService(ctx),
    devices: new DevicesService(ctx, accounts),
    security: new SecurityService(ctx, accounts, verification),
    uploads: new FilesService(ctx, pictures),
    roster,
    groups: new GroupsService(ctx, pictures),
    groupAdmission: new AdmissionService(ctx, (appId, a, b, db) => roster.areFriends(appId, a, b, db)),
    groupContent: new GroupContentService(ctx),
    messages,
    conversations: new ConversationResolver(groupDir),
    presence: new PresenceService(ctx),
    retention: new RetentionService(accounts, verification, messages),
  }
}
