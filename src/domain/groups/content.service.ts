// What a group shares: announcements (members read, admins write) and shared-file records (members add; uploader or admin change).
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import {
  deleteAnnouncement,
  deleteSharedFiles,
  findAnnouncement,
  findSharedFiles,
  insertAnnouncement,
  insertSharedFile,
  latestAnnouncement,
  listAnnouncements,
  listSharedFiles,
  renameSharedFile,
} from './content.repository.ts'
import { actingIn, liveGroup, rankOf, requireAdmin, requireMember, type Acting } from './groups.rules.ts'
import type { Announcement, Group, ItemResult, SharedFile } from './groups.types.ts'
import { tellGroup } from './group-notices.ts'
import type { NoticesService } from '../notices/notices.service.ts'

export class GroupContentService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly notices: NoticesService,
  ) {}

  private async open(actor: Actor, groupId: number, need: 'member' | 'admin'): Promise<{ group: Group; acting: Acting }> {
    const group = await liveGroup(this.ctx.db, actor.appId, groupId)
    const acting = await actingIn(this.ctx.db, actor, group)
    if (need === 'admin') requireAdmin(acting, group)
    else requireMember(acting, group)
    return { group, acting }
  }

  async publishAnnouncement(actor: Actor, groupId: number, title: string, content: string): Promise<Announcement> {
    const { group, acting } = await this.open(actor, groupId, 'admin')
    return this.notices.transaction(async (trx, notices) => {
      const published = await insertAnnouncement(trx, group.id, acting.userId, title, content)
      await tellGroup(trx, notices, group, 'ANNOUNCEMENT_UPDATED', acting.userId, { members: 'members' })
      return published
    })
  }

  async announcement(actor: Actor, groupId: number, announcementId: number): Promise<Announcement> {
    const { group } = await this.open(actor, groupId, 'member')
    const found = await findAnnouncement(this.ctx.db, group.id, announcementId)
    if (!found) throw new DomainError('ANNOUNCEMENT_NOT_FOUND', `group ${group.id} has no announcement ${announcementId}`)
    return found
  }

  /** The newest announcement, or null when the group has none. */
  async lastAnnouncement(actor: Actor, groupId: number): Promise<Announcement | null> {
    const { group } = await this.open(actor, groupId, 'member')
    return (await latestAnnouncement(this.ctx.db, group.id)) ?? null
  }

  /** Newest first. */
  async announcements(actor: Actor, groupId: number): Promise<Announcement[]> {
    const { group } = await this.open(actor, groupId, 'member')
    return listAnnouncements(this.ctx.db, group.id)
  }

  async deleteAnnouncement(actor: Actor, groupId: number, announcementId: number): Promise<void> {
    const { group, acting } = await this.open(actor, groupId, 'admin')
    await this.notices.transaction(async (trx, notices) => {
      if (!(await deleteAnnouncement(trx, group.id, announcementId))) {
        throw new DomainError('ANNOUNCEMENT_NOT_FOUND', `group ${group.id} has no announcement ${announcementId}`)
      }
      await tellGroup(trx, notices, group, 'ANNOUNCEMENT_UPDATED', acting.userId, { members: 'members' })
    })
  }

  /** Records a file a member shared (the file itself is stored elsewhere; `url` says where). */
  async addFile(actor: Actor, groupId: number, file: { name: string; size: number; type: string; url: string }): Promise<SharedFile> {
    const { group, acting } = await this.open(actor, groupId, 'member')
    return insertSharedFile(this.ctx.db, { groupId: group.id, uploaderId: acting.userId, ...file })
  }

  async file(actor: Actor, groupId: number, fileId: number): Promise<SharedFile> {
    const { group } = await this.open(actor, groupId, 'member')
    const found = (await findSharedFiles(this.ctx.db, group.id, [fileId])).get(fileId)
    if (!found) throw new DomainError('SHARED_FILE_NOT_FOUND', `group ${group.id} has no shared file ${fileId}`)
    return found
  }

  async files(actor: Actor, groupId: number): Promise<SharedFile[]> {
    const { group } = await this.open(actor, groupId, 'member')
    return listSharedFiles(this.ctx.db, group.id)
  }

  async renameFile(actor: Actor, groupId: number, fileId: number, name: string): Promise<SharedFile> {
    const { group, acting } = await this.open(actor, groupId, 'member')
    const found = (await findSharedFiles(this.ctx.db, group.id, [fileId])).get(fileId)
    if (!found) throw new DomainError('SHARED_FILE_NOT_FOUND', `group ${group.id} has no shared file ${fileId}`)
    if (!mayChange(acting, found)) throw new DomainError('SHARED_FILE_FORBIDDEN', 'only the uploader or an admin may rename this file')
    await renameSharedFile(this.ctx.db, found.id, name)
    return { ...found, name }
  }

  /** One result per file: unknown files and files of others (for non-admins) fail alone. */
  async deleteFiles(actor: Actor, groupId: number, fileIds: number[]): Promise<ItemResult[]> {
    const { group, acting } = await this.open(actor, groupId, 'member')
    const ids = [...new Set(fileIds)]
    const found = await findSharedFiles(this.ctx.db, group.id, ids)
    const results = ids.map((id): ItemResult => {
      const file = found.get(id)
      if (!file) return { id, result: 'fail', reason: 'shared file does not exist' }
      if (!mayChange(acting, file)) return { id, result: 'fail', reason: 'only the uploader or an admin may delete this file' }
      return { id, result: 'success', reason: '' }
    })
    await deleteSharedFiles(
      this.ctx.db,
      group.id,
      results.filter((r) => r.result === 'success').map((r) => r.id),
    )
    return results
  }
}

function mayChange(acting: Acting, file: SharedFile): boolean {
  return (acting.userId !== null && file.uploaderId === acting.userId) || rankOf(acting.role!) >= rankOf('admin')
}
