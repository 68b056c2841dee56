// File types recognised by their first bytes, never by name or declared content type.

export type FileKind = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp'

export const MIME: Record<FileKind, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
}

/** The number of leading bytes `sniff` needs. */
export const SNIFF_BYTES = 12

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b)

export function sniff(head: Buffer): FileKind | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'gif'
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 6) return 'bmp'
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp'
  return undefined
}
