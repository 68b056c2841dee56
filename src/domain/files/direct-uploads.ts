// Uploads clients sent straight to the object store: the gateway learns of one when its download URL is first used.
import { randomBytes } from 'node:crypto'
import type { Db } from '../../platform/db.ts'
import { MIME, SNIFF_BYTES, sniff } from '../../platform/filetype.ts'
import type { DomainContext } from '../context.ts'
import { insertStoredFile } from './stored-files.repository.ts'
import { declaredMime, uploadLimits } from './upload-limits.ts'
import { claimDirectUpload, findUpload } from './uploads.repository.ts'

/** The key a direct upload must store: fixed by the gateway when the ticket is made (its kind is not known yet). */
export function directUploadPath(purpose: string): string {
  return `${purpose === 'chat' ? 'chat' : 'avatars'}/${randomBytes(16).toString('hex')}.bin`
}

/** The POST form of a ticket whose upload goes straight to the store; undefined when uploads go through the gateway. */
export async function directUploadForm(ctx: DomainContext, ticketId: string) {
  const direct = ctx.files.directUploads
  if (!direct) return undefined
  const ticket = await findUpload(ctx.db, ticketId)
  if (!ticket?.stored_path || ticket.uploaded_at) return undefined
  const limits = uploadLimits(ticket.purpose, ticket.file_type)
  return direct.form(ticket.stored_path, { maxBytes: limits.maxBytes, mime: declaredMime(limits) })
}

/**
 * The stored path and type of a ticket's upload, settling a direct one the first time it is asked for:
 * the object must exist, be within the ticket's size and of a kind it takes (read from its first
 * bytes, never from what the client declared); then the ticket is used and the file recorded as its
 * uploader's (or group's), as an upload through the gateway is. Content the ticket does not take is
 * removed. Runs in `db`, which may be the caller's transaction.
 */
export async function settledUpload(ctx: DomainContext, db: Db, ticketId: string): Promise<{ storedPath: string; mime: string } | undefined> {
  const ticket = await findUpload(db, ticketId)
  if (!ticket?.stored_path) return undefined
  if (ticket.uploaded_at) return { storedPath: ticket.stored_path, mime: ticket.mime ?? 'application/octet-stream' }
  // Not asking whether direct uploads are on: those made before they were turned off still settle.
  const path = ticket.stored_path
  const stat = await ctx.files.stat(path)
  if (!stat) return undefined
  const limits = uploadLimits(ticket.purpose, ticket.file_type)
  const head = (await ctx.files.readHead(path, SNIFF_BYTES)) ?? Buffer.alloc(0)
  const kind = sniff(head) ?? (limits.accept === 'any' ? 'bin' : undefined)
  if (stat.size > limits.maxBytes || !kind || (limits.accept !== 'any' && !limits.accept.includes(kind))) {
    await ctx.files.remove(path)
    return undefined
  }
  const mime = MIME[kind]
  // Pictures are served from the store by their stored type: make it what the content is.
  if (ticket.purpose !== 'chat' && stat.mime !== mime) await ctx.files.setType?.(path, mime)
  if (await claimDirectUpload(db, ticketId, { size: stat.size, mime })) {
    await insertStoredFile(db, {
      path,
      app_id: ticket.app_id,
      owner_user_id: ticket.user_id,
      owner_group_id: ticket.purpose === 'avatar_group' ? ticket.to_id : null,
      kind: ticket.purpose === 'chat' ? 'chat' : 'picture',
    })
  }
  return { storedPath: path, mime }
}
