// Names a conversation by one id, as MaxIM's clients do: users and groups share one id space (migration 0010).
import { DomainError } from '../errors.ts'
import type { ConversationRef, GroupDirectory, TargetKind } from './messages.types.ts'

/**
 * Since 0010 a number is a user or a group, never both, so an id needs no type. A `type` a client still
 * sends is honoured as given (the documents' extra), so an explicit type can name nothing but what it says.
 */
export class ConversationResolver {
  constructor(private readonly groups: GroupDirectory) {}

  /** Is `id` a group of the app (dismissed ones included: their history stays readable)? */
  private async isGroup(appId: string, id: number): Promise<boolean> {
    return id !== 0 && (await this.groups.group(appId, id)) !== null
  }

  /** The conversation `id` names: the group with that id, else the user with it (0 = the system). */
  async ref(appId: string, id: number, type?: TargetKind): Promise<ConversationRef> {
    return { type: type ?? ((await this.isGroup(appId, id)) ? 2 : 1), id }
  }

  /** The kind of a send's targets: all groups or all users (one send never mixes them). */
  async targetKind(appId: string, targets: number[], type?: TargetKind): Promise<TargetKind> {
    if (type !== undefined) return type
    const kinds = new Set(await Promise.all(targets.map(async (id) => ((await this.isGroup(appId, id)) ? 2 : 1))))
    if (kinds.size > 1) throw new DomainError('BAD_PARAMETER', 'targets name both users and groups: send to each kind separately')
    return kinds.values().next().value ?? 1
  }
}
