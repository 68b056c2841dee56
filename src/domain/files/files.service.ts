// Uploads through tickets (002 §9): a ticket says who may store what where; chat files are read by their sign.
import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { DomainError } from '../errors.ts'
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { fileUrlPath, storedPathOf } from '../../platform/storage.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { GroupsService } from '../groups/groups.service.ts'
import { CHAT_FILE_TYPES, uploadLimits } from './upload-limits.ts'
import { directUploadForm, directUploadPath, settledUpload } from './direct-uploads.ts'
import type { PicturesService } from './pictures.service.ts'
import { claimUpload, findChatUpload, findPictureUpload, findUpload, insertUpload } from './uploads.repository.ts'

export const TICKET_TTL_SECONDS = 3600

export { CHAT_FILE_TYPES, UPLOAD_MAX_BYTES } from './upload-limits.ts'

export type UploadPurpose = 'avatar_user' | 'avatar_group' | 'chat'

export interface StoredUpload {
  /** Server-relative URL path of an avatar, or the sign of a chat file. */
  id: string
  purpose: UploadPurpose
  urlPath: string
  size: number
  mime: string
}

export class FilesService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly pictures: PicturesService,
    private readonly accounts: AccountsService,
    private readonly groups: GroupsService,
  ) {}

  /** A single-use upload ticket, valid an hour; chat files name their conversation. */
  async createTicket(actor: UserActor, purpose: UploadPurpose, target: { fileType?: number; toType?: number; toId?: number } = {}): Promise<string> {
    if (purpose === 'chat') {
      if (target.fileType === undefined || !(target.fileType in CHAT_FILE_TYPES)) {
        throw new DomainError('BAD_PARAMETER', `file_type must be one of ${Object.keys(CHAT_FILE_TYPES).join(', ')}`)
      }
      await this.checkTarget(actor, target.toType, target.toId)
    }
    if (purpose === 'avatar_group') {
      if (!target.toId) throw new DomainError('BAD_PARAMETER', 'group_id is required')
      await this.groups.requireRole(actor, target.toId, 'admin')
    }
    const id = randomBytes(16).toString('hex')
    await insertUpload(this.ctx.db, {
      id,
      app_id: actor.appId,
      user_id: actor.userId,
      purpose,
      file_type: target.fileType ?? 0,
      to_type: target.toType ?? 0,
      to_id: target.toId ?? 0,
      expires_at: new Date(this.ctx.now() + TICKET_TTL_SECONDS * 1000),
      uploaded_at: null,
      size: null,
      mime: null,
      // With direct uploads the key is fixed now: the client stores it, the gateway settles it when it is first downloaded.
      stored_path: this.ctx.files.directUploads ? directUploadPath(purpose) : null,
    })
    return id
  }

  /** The POST form a ticket's upload goes to when clients upload straight to the store; undefined when they upload to the gateway. */
  async uploadForm(ticketId: string) {
    return directUploadForm(this.ctx, ticketId)
  }

  /** Stores the upload a ticket allows, once; refused content leaves nothing behind. */
  async upload(ticketId: string, content: Readable): Promise<StoredUpload> {
    const ticket = await findUpload(this.ctx.db, ticketId)
    if (!ticket || ticket.expires_at.getTime() <= this.ctx.now())
      throw new DomainError('BAD_PARAMETER', 'this upload URL is unknown or has expired; ask for a new one')
    if (ticket.uploaded_at) throw new DomainError('BAD_PARAMETER', 'this upload URL was already used; ask for a new one')
    const limits = uploadLimits(ticket.purpose, ticket.file_type)
    const stored = await this.ctx.files.save(content, limits)
    // The ticket is used and the file recorded as its uploader's (or its group's) in one step.
    const used = await inTransaction(this.ctx.db, async (trx) => {
      if (!(await claimUpload(trx, ticketId, stored))) return false
      await this.pictures.record(trx, {
        path: stored.path,
        appId: ticket.app_id,
        ownerUserId: ticket.user_id,
        ownerGroupId: ticket.purpose === 'avatar_group' ? ticket.to_id : null,
        kind: ticket.purpose === 'chat' ? 'chat' : 'picture',
      })
      return true
    }).catch(async (error: unknown) => {
      await this.ctx.files.remove(stored.path)
      throw error
    })
    if (!used) {
      await this.ctx.files.remove(stored.path)
      throw new DomainError('BAD_PARAMETER', 'this upload URL was already used; ask for a new one')
    }
    // A direct-upload ticket sent through the gateway instead: whatever reached its fixed key is nobody's.
    if (ticket.stored_path) await this.ctx.files.remove(ticket.stored_path)
    return { id: ticketId, purpose: ticket.purpose, urlPath: fileUrlPath(stored.path), size: stored.size, mime: stored.mime }
  }

  /**
   * The stored path of a chat file. The sign is a 128-bit capability handed out with the
   * message; any user of the app holding it may read the file.
   */
  async chatFile(appId: string, fileSign: string): Promise<{ storedPath: string; mime: string }> {
    const row = /^[0-9a-f]{32}$/.test(fileSign) ? await findChatUpload(this.ctx.db, appId, fileSign) : undefined
    const file = row && (await this.settled(fileSign, row))
    if (!file) throw new DomainError('SHARED_FILE_NOT_FOUND', 'no chat file has this file_sign')
    return file
  }

  /** An avatar by the object name of its download URL: a ticket id, a store path or a /files/ URL path. */
  async avatarFile(objectName: string): Promise<string> {
    if (/^[0-9a-f]{32}$/.test(objectName)) {
      const row = await findPictureUpload(this.ctx.db, objectName)
      const file = row && (await this.settled(objectName, row))
      if (!file) throw new DomainError('SHARED_FILE_NOT_FOUND', 'nothing was uploaded with this ticket yet')
      return file.storedPath
    }
    const path = storedPathOf(objectName) ?? objectName
    if (!path.startsWith('avatars/') && !path.startsWith('covers/')) throw new DomainError('SHARED_FILE_NOT_FOUND', 'no such avatar')
    return path
  }

  /** Opens a stored file for sending. */
  async open(storedPath: string) {
    const file = await this.ctx.files.open(storedPath)
    if (!file) throw new DomainError('SHARED_FILE_NOT_FOUND', 'no such file')
    return file
  }

  /** A sign for the same stored file in another conversation (forwarding stores nothing again). */
  async forward(actor: UserActor, fileSign: string, toType: number | undefined, toId: number | undefined): Promise<string> {
    const source = await this.chatFile(actor.appId, fileSign)
    await this.checkTarget(actor, toType, toId)
    const original = (await findUpload(this.ctx.db, fileSign))!
    const id = randomBytes(16).toString('hex')
    await insertUpload(this.ctx.db, {
      id,
      app_id: actor.appId,
      user_id: actor.userId,
      purpose: 'chat',
      file_type: original.file_type,
      to_type: toType!,
      to_id: toId!,
      expires_at: new Date(this.ctx.now()),
      stored_path: source.storedPath,
      size: original.size,
      mime: source.mime,
      uploaded_at: new Date(this.ctx.now()),
    })
    return id
  }

  /** A ticket's stored file; a direct upload not settled yet is settled in one transaction. */
  private async settled(ticketId: string, row: { stored_path: string | null; mime: string | null; uploaded_at: Date | null }) {
    if (row.stored_path && row.uploaded_at) return { storedPath: row.stored_path, mime: row.mime ?? 'application/octet-stream' }
    if (!row.stored_path) return undefined
    return inTransaction(this.ctx.db, (trx) => settledUpload(this.ctx, trx, ticketId))
  }

  private async checkTarget(actor: UserActor, toType: number | undefined, toId: number | undefined): Promise<void> {
    if (toType !== 1 && toType !== 2) throw new DomainError('BAD_PARAMETER', 'to_type must be 1 (user) or 2 (group)')
    if (!toId) throw new DomainError('BAD_PARAMETER', 'to_id is required')
    if (toType === 1 && !(await this.accounts.userIn(this.ctx.db, actor.appId, toId))) throw new DomainError('USER_NOT_FOUND', `user ${toId} does not exist`)
    if (toType === 2) {
      await this.groups.requireRole(actor, toId, 'member')
    }
  }
}
