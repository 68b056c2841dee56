// Pictures (user avatars, group avatars and covers): a stored file belongs to its uploader, or to the group it was uploaded for.
import { DomainError } from '../errors.ts'
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import { fileUrlPath, FILES_URL_PREFIX, storedPathOfAnyUrl } from '../../platform/storage.ts'
import { settledUpload } from './direct-uploads.ts'
import { deleteStoredFile, giveToGroup, insertStoredFile, isShown, lockStoredFile, ticketPicture } from './stored-files.repository.ts'

/** Who sets a picture: a user (null for an admin token acting for a group), for itself or for a group. */
export interface PictureClaimant {
  appId: string
  userId: number | null
  /** Set when the picture is a group's: then pictures uploaded for that group are allowed too. */
  groupId?: number
}

/** Who replaces a picture: the user whose avatar it was, or the group. */
export type PictureOwner = { appId: string; userId: number } | { appId: string; groupId: number }

const STORED_PATH = /^[a-z0-9_-]+\/[0-9a-f]{32}\.[a-z0-9]+$/
const TICKET = /^[0-9a-f]{32}$/

/**
 * The rules: a user may show as its avatar only its own uploads; a group, its own uploads and
 * those of the user setting it; anyone may show an external http(s) URL, which is never deleted.
 * A replaced picture is removed only when its owner replaced it and nothing shows it any more.
 * Claims lock the file's record until their transaction commits, and removals lock it before
 * they look for what shows it, so a picture is never removed under a claim in flight.
 */
export class PicturesService {
  constructor(private readonly ctx: DomainContext) {}

  /** Records who owns a file just stored. */
  async record(
    db: Db,
    file: { path: string; appId: string; ownerUserId: number | null; ownerGroupId?: number | null; kind: 'picture' | 'chat' },
  ): Promise<void> {
    await insertStoredFile(db, {
      path: file.path,
      app_id: file.appId,
      owner_user_id: file.ownerUserId,
      owner_group_id: file.ownerGroupId ?? null,
      kind: file.kind,
    })
  }

  /**
   * The value to store for a picture being set: '' (none), an external URL as given, or
   * `files/<path>` for one of our files — written as that, as `/files/…`, as an absolute URL
   * under PUBLIC_URL, or as an upload's download_url (`/file/download/avatar?object_name=…`) —
   * which the claimant must own. `current` (the value stored now) may always be set again.
   */
  async claim(trx: Db, claimant: PictureClaimant, value: string, current = ''): Promise<string> {
    const located = await this.locate(trx, value.trim())
    if (located.kind !== 'stored') return located.value
    const reference = fileUrlPath(located.path)
    if (reference === current) return reference
    const row = await lockStoredFile(trx, located.path, 'share')
    const ownsForGroup = claimant.groupId !== undefined && row?.owner_group_id === claimant.groupId
    const ownsForSelf = claimant.userId !== null && row?.owner_user_id === claimant.userId && row.owner_group_id === null
    if (!row || row.app_id !== claimant.appId || row.kind !== 'picture' || !(ownsForGroup || ownsForSelf)) {
      throw new DomainError(
        'NO_PERMISSION',
        'this picture is not an upload of yours: upload it first (GET /file/upload/avatar/user or /file/upload/avatar/group) and use its download_url',
      )
    }
    return reference
  }

  /** A picture stored before its group existed (the facade's create with a cover) becomes the group's. */
  async giveToGroup(trx: Db, reference: string, groupId: number): Promise<void> {
    if (reference.startsWith(FILES_URL_PREFIX)) await giveToGroup(trx, reference.slice(FILES_URL_PREFIX.length), groupId)
  }

  /**
   * Call after `old` was replaced, in the same transaction: when `owner` owns it and nothing
   * shows it any more, its record goes and its path is returned, to remove once committed.
   */
  async release(trx: Db, owner: PictureOwner, old: string): Promise<string | undefined> {
    if (!old.startsWith(FILES_URL_PREFIX)) return undefined
    const path = old.slice(FILES_URL_PREFIX.length)
    const row = await lockStoredFile(trx, path, 'update')
    if (!row || row.app_id !== owner.appId) return undefined
    const owns = 'groupId' in owner ? row.owner_group_id === owner.groupId : row.owner_group_id === null && row.owner_user_id === owner.userId
    if (!owns || (await isShown(trx, old))) return undefined
    await deleteStoredFile(trx, path)
    return path
  }

  /** Removes released files from the store once their transaction committed. */
  async removeReleased(path: string | undefined): Promise<void> {
    if (path) await this.ctx.files.remove(path)
  }

  /** Forgets and removes a picture stored for a request that then failed. */
  async discard(path: string): Promise<void> {
    await deleteStoredFile(this.ctx.db, path)
    await this.ctx.files.remove(path)
  }

  private async locate(db: Db, value: string): Promise<{ kind: 'external'; value: string } | { kind: 'stored'; path: string }> {
    if (value === '') return { kind: 'external', value: '' }
    const publicUrl = this.ctx.settings.publicUrl
    let local: string
    if (value.startsWith(`${publicUrl}/`)) local = value.slice(publicUrl.length)
    else if (/^https?:\/\/\S+$/i.test(value)) return { kind: 'external', value }
    else if (storedPathOfAnyUrl(value) !== undefined) local = value.startsWith('/') ? value : `/${value}`
    else throw new DomainError('BAD_PARAMETER', 'a picture must be an http(s) URL, or the download_url of a picture you uploaded')

    const download = /^\/file\/download\/avatar\?object_name=([^&#]+)$/.exec(local)
    if (download) {
      const object = decodeURIComponent(download[1]!)
      const path = TICKET.test(object) ? await this.ticketPicture(db, object) : object.replace(/^\/?files\//, '')
      if (!path) throw new DomainError('BAD_PARAMETER', 'nothing was uploaded with this upload URL yet')
      return this.stored(path)
    }
    if (local.startsWith(`/${FILES_URL_PREFIX}`)) return this.stored(local.slice(FILES_URL_PREFIX.length + 1))
    // A stored file at a path an old document prints (media/group/…, upload/images/userPhoto/…) is that file.
    const path = storedPathOfAnyUrl(local)
    if (path !== undefined && STORED_PATH.test(path)) return this.stored(path)
    // Another URL of this server (a default picture): shown as given, never removed.
    return { kind: 'external', value }
  }

  /** The picture an avatar ticket stored (a direct upload settled in `db`, the caller's transaction). */
  private async ticketPicture(db: Db, ticketId: string): Promise<string | undefined> {
    if (!(await ticketPicture(db, ticketId))) return undefined
    return (await settledUpload(this.ctx, db, ticketId))?.storedPath
  }

  private stored(path: string): { kind: 'stored'; path: string } {
    if (!STORED_PATH.test(path)) throw new DomainError('BAD_PARAMETER', 'no stored picture has this path')
    return { kind: 'stored', path }
  }
}
