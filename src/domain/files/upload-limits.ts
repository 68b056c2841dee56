// What each upload ticket may store: the folder, the kinds taken and the largest size.
import { IMAGE_KINDS, MIME, type FileKind } from '../../platform/filetype.ts'

/** The largest avatar or cover picture, however it is uploaded. */
export const AVATAR_MAX_BYTES = 3 * 1024 * 1024

const MB = 1024 * 1024

/** file_type of /file/upload/chat: 1xx chat files, 2xx group shared files. */
export const CHAT_FILE_TYPES: Record<number, { accept: readonly FileKind[] | 'any'; maxBytes: number }> = {
  100: { accept: 'any', maxBytes: 50 * MB },
  101: { accept: ['amr'], maxBytes: 10 * MB },
  102: { accept: IMAGE_KINDS, maxBytes: 20 * MB },
  103: { accept: ['mp4'], maxBytes: 100 * MB },
  104: { accept: ['mp3'], maxBytes: 10 * MB },
  200: { accept: 'any', maxBytes: 50 * MB },
  201: { accept: ['amr'], maxBytes: 10 * MB },
  202: { accept: IMAGE_KINDS, maxBytes: 20 * MB },
  203: { accept: ['mp4'], maxBytes: 100 * MB },
}
export const UPLOAD_MAX_BYTES = 100 * MB

export interface UploadLimits {
  folder: string
  accept: readonly FileKind[] | 'any'
  maxBytes: number
}

/** The limits of a ticket's upload (its file_type matters for chat files only). */
export function uploadLimits(purpose: string, fileType: number): UploadLimits {
  return purpose === 'chat'
    ? { folder: 'chat', ...CHAT_FILE_TYPES[fileType]! }
    : { folder: 'avatars', accept: ['jpeg', 'png', 'bmp', 'gif', 'webp'], maxBytes: AVATAR_MAX_BYTES }
}

/** The content type a direct upload's form fixes: the one kind's when a single kind is taken, else a neutral one (served by what the content turns out to be). */
export function declaredMime(limits: UploadLimits): string {
  return limits.accept !== 'any' && limits.accept.length === 1 ? MIME[limits.accept[0]!] : 'application/octet-stream'
}
