// Group rules only the RongCloud-style facade uses: cover uploads, the public view with its face-to-face code, page-numbered member lists.
import { shownMemberWithUser } from './member-privacy.ts'
import type { Readable } from 'node:stream'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { fileUrlPath, storedPathOf } from '../../platform/storage.ts'
import type { PicturesService } from '../files/pictures.service.ts'
import { findMember, membersWithUsers } from './groups.repository.ts'
import { liveGroup, openGroup, requireMember, self } from './groups.rules.ts'
import type { Group, MemberWithUser } from './groups.types.ts'

/** Largest group cover upload. */
const COVER_MAX_BYTES = 5 * 1024 * 1024

export class FacadeGroupsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly pictures: PicturesService,
  ) {}

  /**
   * Stores an uploaded group cover (checked by content and size while streaming) as the uploader's and returns its path,
   * to pass as `avatar` to create with `uploadedAvatar`: the group then owns it, and if the group is not created it goes.
   */
  async storeCover(uploader: Actor, stream: Readable): Promise<string> {
    const userId = self(uploader)
    const saved = await this.ctx.files.save(stream, { folder: 'covers', maxBytes: COVER_MAX_BYTES, accept: ['png', 'jpeg', 'gif', 'bmp', 'webp'] })
    try {
      await this.pictures.record(this.ctx.db, { path: saved.path, appId: uploader.appId, ownerUserId: userId, kind: 'picture' })
    } catch (error) {
      await this.ctx.files.remove(saved.path)
      throw error
    }
    return fileUrlPath(saved.path)
  }

  /** Removes a stored cover no group will use (the request that uploaded it failed). */
  async discardCover(path: string): Promise<void> {
    const stored = storedPathOf(path)
    if (stored) await this.pictures.discard(stored)
  }

  /** The facade's public view of a group: anyone may see it; only members see its face-to-face code ('' for others). */
  async publicView(appId: string, groupId: number, userId: number | null): Promise<Group> {
    const group = await liveGroup(this.ctx.db, appId, groupId)
    const isMember = userId !== null && (await findMember(this.ctx.db, group.id, userId)) !== undefined
    return isMember ? group : { ...group, code: '' }
  }

  /** Every member with its account, in join order (the facade's users list). */
  async membersWithUsers(actor: Actor, groupId: number, page?: { offset: number; limit: number }): Promise<{ group: Group; members: MemberWithUser[] }> {
    const { group, acting } = await openGroup(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    const members = await membersWithUsers(this.ctx.db, group.id, page)
    return { group, members: members.map((m) => shownMemberWithUser(group, acting, m)) }
  }
}
