// File types recognised by their first bytes, never by name or declared content type.

export type FileKind = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'amr' | 'mp3' | 'mp4' | 'bin'

export const MIME: Record<FileKind, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  bin: 'application/octet-stream',
}

export const IMAGE_KINDS = ['png', 'jpeg', 'gif', 'bmp', 'webp'] as const satisfies readonly FileKind[]

/** The number of leading bytes `sniff` needs. */
export const SNIFF_BYTES = 12

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b)

/** The kind of a file from its head; undefined when it is none of the known kinds. */
export function sniff(head: Buffer): Exclude<FileKind, 'bin'> | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif'
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 6) return 'bmp'
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp'
  if (startsWith(head, [0x23, 0x21, 0x41, 0x4d, 0x52])) return 'amr' // "#!AMR"
  if (startsWith(head, [0x49, 0x44, 0x33]) || (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) return 'mp3'
  if (startsWith(head, [0x66, 0x74, 0x79, 0x70], 4)) return 'mp4' // "ftyp" box
  return undefined
}
