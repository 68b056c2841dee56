// The domain core every surface calls: one instance of each service over one context.
import type { DomainContext } from './context.ts'
import { DomainError } from './errors.ts'
import { FileRefusedError, type FileStore } from '../platform/storage.ts'
import { AccountsService } from './accounts/accounts.service.ts'
import { DevicesService } from './accounts/devices.service.ts'
import { ProfileService } from './accounts/profile.service.ts'
import { SecurityService } from './accounts/security.service.ts'
import { SettingsService } from './accounts/settings.service.ts'
import { VerificationService } from './accounts/verification.service.ts'
import { MobileFlowsService } from './accounts/mobile-flows.service.ts'
import { AccountClosingService } from './accounts/closing.service.ts'
import { AppsService } from './apps/apps.service.ts'
import { FilesService } from './files/files.service.ts'
import { PicturesService } from './files/pictures.service.ts'
import { RosterService } from './roster/roster.service.ts'
import { GroupsService } from './groups/groups.service.ts'
import { GroupDisciplineService } from './groups/discipline.service.ts'
import { AdmissionService } from './groups/admission.service.ts'
import { FacadeGroupsService } from './groups/facade-groups.service.ts'
import { ProjectGroupsService } from './groups/project-groups.service.ts'
import { GroupContentService } from './groups/content.service.ts'
import { MessagesService } from './messages/messages.service.ts'
import { ConversationResolver } from './messages/conversation-resolver.ts'
import { PresenceService } from './messages/presence.service.ts'
import { RetentionService } from './retention/retention.service.ts'
import { PushService } from './push/push.service.ts'
import { NoticesService } from './notices/notices.service.ts'
import type { FriendDirectory, GroupDirectory } from './messages/messages.types.ts'
import { friendDirectory, groupDirectory } from './messages/directories.ts'
import { pushCredentialSource, type PushCredentialSource } from './push/credential-source.ts'
import { pushRecorder } from './push/recorder.ts'

export interface Services {
  readonly apps: AppsService
  readonly accounts: AccountsService
  readonly verification: VerificationService
  readonly profile: ProfileService
  /** MaxIM's mobile flows: picture captcha, login by SMS code, register-and-bind, changing the bound number. */
  readonly mobileFlows: MobileFlowsService
  /** Closing one's own account (POST /user/delete). */
  readonly accountClosing: AccountClosingService
  readonly settings: SettingsService
  readonly devices: DevicesService
  readonly security: SecurityService
  readonly uploads: FilesService
  readonly roster: RosterService
  readonly groups: GroupsService
  readonly groupDiscipline: GroupDisciplineService
  /** Group rules of the legacy surface only. */
  readonly projectGroups: ProjectGroupsService
  /** Group rules of the facade only. */
  readonly facadeGroups: FacadeGroupsService
  readonly groupAdmission: AdmissionService
  readonly groupContent: GroupContentService
  readonly messages: MessagesService
  /** Which conversation an id names (users and groups share one id space). */
  readonly conversations: ConversationResolver
  readonly presence: PresenceService
  readonly retention: RetentionService
  /** Push credentials, /push/notify tasks and their counts; also the push worker's PushCredentialSource. */
  readonly push: PushService
  /** The push worker's view of credentials (cached "has any" for the send path). */
  readonly pushCredentials: PushCredentialSource
  /** Group, roster and user notices per recipient (the xsync system conversation reads them). */
  readonly notices: NoticesService
}

/** What messaging asks of groups and rosters; tests hand in their own. */
export interface Directories {
  groups?: GroupDirectory
  friends?: FriendDirectory
}

/** The file store as the domain sees it: the store's refusals are the domain errors of the same name. */
function refusalsAsDomainErrors(files: FileStore): FileStore {
  return {
    save: (source, options) =>
      files.save(source, options).catch((error: unknown) => {
        throw error instanceof FileRefusedError ? new DomainError(error.key, error.message) : error
      }),
    open: (path) => files.open(path),
    stat: (path) => files.stat(path),
    readHead: (path, bytes) => files.readHead(path, bytes),
    remove: (path) => files.remove(path),
    directUploads: files.directUploads,
    setType: files.setType && ((path, mime) => files.setType!(path, mime)),
  }
}

/** With PUSH_SECRET_KEY (ctx.pushSecrets), each message that can push records its outbox row. */
export function createServices(platformCtx: DomainContext, directories: Directories = {}): Services {
  const ctx: DomainContext = { ...platformCtx, files: refusalsAsDomainErrors(platformCtx.files) }
  const verification = new VerificationService(ctx)
  const accounts = new AccountsService(ctx, verification)
  const notices = new NoticesService(ctx)
  const roster = new RosterService(ctx, accounts, notices)
  const pictures = new PicturesService(ctx)
  const profile = new ProfileService(ctx, verification, pictures, notices)
  const security = new SecurityService(ctx, accounts, verification)
  const facadeGroups = new FacadeGroupsService(ctx, pictures)
  const groups = new GroupsService(ctx, pictures, facadeGroups, accounts, notices)
  const groupDir = directories.groups ?? groupDirectory(groups)
  const push = new PushService(ctx)
  const pushCredentials = pushCredentialSource(push, ctx.now)
  const recorder = ctx.pushSecrets ? pushRecorder(pushCredentials) : undefined
  const messages = new MessagesService(ctx, groupDir, directories.friends ?? friendDirectory(roster), accounts, recorder)
  return {
    apps: new AppsService(ctx, accounts),
    accounts,
    verification,
    profile,
    mobileFlows: new MobileFlowsService(ctx, verification, profile, security),
    accountClosing: new AccountClosingService(ctx, accounts, security, roster, groups),
    settings: new SettingsService(ctx),
    devices: new DevicesService(ctx, accounts),
    security,
    uploads: new FilesService(ctx, pictures, accounts, groups),
    roster,
    groups,
    groupDiscipline: new GroupDisciplineService(ctx, accounts, notices),
    projectGroups: new ProjectGroupsService(ctx, accounts, notices),
    facadeGroups,
    groupAdmission: new AdmissionService(ctx, (appId, a, b, trx) => roster.areFriendsIn(trx, appId, a, b), accounts, notices),
    groupContent: new GroupContentService(ctx, notices),
    messages,
    conversations: new ConversationResolver(groupDir),
    presence: new PresenceService(ctx),
    retention: new RetentionService(accounts, verification, messages, notices),
    push,
    pushCredentials,
    notices,
  }
}
