// Stored files on local disk under DATA_DIR/files: streamed in, checked by magic bytes and size while streaming, random names.
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, promises as fs } from 'node:fs'
import { dirname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { once } from 'node:events'
import type { Readable } from 'node:stream'
import { MIME, sniff, SNIFF_BYTES, type FileKind } from './filetype.ts'

/** The store refused a file: larger than allowed, or content that is not an accepted kind. Callers translate it. */
export class FileRefusedError extends Error {
  constructor(
    readonly key: 'PAYLOAD_TOO_LARGE' | 'BAD_FILE_TYPE',
    message: string,
  ) {
    super(message)
    this.name = 'FileRefusedError'
  }
}

export interface StoredFile {
  /** Relative to the store, e.g. `avatars/3f…9a.png`; also the URL path under /files/. */
  path: string
  size: number
  kind: FileKind
  mime: string
}

export interface SaveOptions {
  /** A folder per use: `avatars`, `covers`, … */
  folder: string
  maxBytes: number
  /** The kinds taken, or 'any': then an unknown kind is stored as `bin`. */
  accept: readonly FileKind[] | 'any'
}

/**
 * One interface over every store (local disk, S3-compatible): callers never know which one they use.
 * A buffer is stored as `Readable.from([buffer])`.
 */
export interface FileStore {
  /** Stores the stream or refuses it (FileRefusedError: BAD_FILE_TYPE, PAYLOAD_TOO_LARGE) leaving nothing behind. */
  save(source: Readable, options: SaveOptions): Promise<StoredFile>
  open(path: string): Promise<{ stream: Readable; size: number; mime: string } | null>
  /** Size and content type of a stored file, without its content; null when there is none. */
  stat(path: string): Promise<{ size: number; mime: string } | null>
  /** The first `bytes` bytes (fewer for a shorter file); null when there is none. */
  readHead(path: string, bytes: number): Promise<Buffer | null>
  remove(path: string): Promise<void>
  /** Present when clients upload straight to the store: a POST form for one key (object-store/direct-upload.ts). */
  readonly directUploads?: DirectUploads
  /** Sets the content type clients are served for a file (a direct upload's, once its content is known). */
  setType?(path: string, mime: string): Promise<void>
}

/** What a client must POST (multipart, `fields` first, then `file`) to store one object itself. */
export interface UploadForm {
  url: string
  fields: Record<string, string>
}

export interface DirectUploads {
  /** A form that stores exactly `path`, at most `maxBytes`, with content type `mime`, for a short while. */
  form(path: string, limits: { maxBytes: number; mime: string }): Promise<UploadForm>
}

/** Where the store is served: a stored file's server-relative URL is `files/<path>`. */
export const FILES_URL_PREFIX = 'files/'

export function fileUrlPath(storedPath: string): string {
  return FILES_URL_PREFIX + storedPath
}

/** The store path behind a server-relative URL of ours, or undefined for anything else. */
export function storedPathOf(urlPath: string): string | undefined {
  return urlPath.startsWith(FILES_URL_PREFIX) ? urlPath.slice(FILES_URL_PREFIX.length) : undefined
}

/**
 * Other URL paths the same stored files are served at: the shapes the old documents print (000/001
 * user photos, 003 avatars and group covers), each with the store folder it shows.
 */
export const DOCUMENTED_FOLDERS = {
  'upload/images/userPhoto/': 'avatars',
  'media/avatar/': 'avatars',
  'media/group/': 'covers',
} as const satisfies Record<string, string>

/** The stored path a server-relative URL path names, under `files/` or a documented folder (`media/group/x.png` is `covers/x.png`). */
export function storedPathOfAnyUrl(urlPath: string): string | undefined {
  const relative = urlPath.replace(/^\/+/, '')
  const direct = storedPathOf(relative)
  if (direct !== undefined) return direct
  for (const [prefix, folder] of Object.entries(DOCUMENTED_FOLDERS)) {
    if (relative.startsWith(prefix)) return `${folder}/${relative.slice(prefix.length)}`
  }
  return undefined
}

/** Valid names in every store: `<folder>/<32 hex>.<kind>`; anything else names no file. */
export const SAFE_PATH = /^[a-z0-9_-]+\/[0-9a-f]{32}\.[a-z]+$/

/** The content type a stored name implies. */
export function mimeOfPath(path: string): string {
  return MIME[path.slice(path.lastIndexOf('.') + 1) as FileKind] ?? 'application/octet-stream'
}

/**
 * Streams `source` into a new file under `dir`, refusing it (BAD_FILE_TYPE, PAYLOAD_TOO_LARGE) while it
 * streams; on refusal nothing is left behind. Answers the file and the store path it is to get.
 */
export async function spoolChecked(source: Readable, options: SaveOptions, dir: string): Promise<{ tmp: string } & StoredFile> {
  const name = randomBytes(16).toString('hex')
  const tmp = join(dir, `${name}.part`)
  await fs.mkdir(dir, { recursive: true })
  let size = 0
  let kind: FileKind | undefined
  let head = Buffer.alloc(0)
  const out = createWriteStream(tmp)
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.length
          if (size > options.maxBytes) throw new FileRefusedError('PAYLOAD_TOO_LARGE', `file is larger than ${options.maxBytes} bytes`)
          if (!kind && head.length < SNIFF_BYTES) {
            head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES)
            if (head.length >= SNIFF_BYTES) kind = decide(head, options.accept)
          }
          yield chunk
        }
        kind ??= decide(head, options.accept)
      },
      out,
    )
    // The multipart parser marks a file cut at its size limit instead of failing the stream.
    if ((source as Readable & { truncated?: boolean }).truncated)
      throw new FileRefusedError('PAYLOAD_TOO_LARGE', `file is larger than ${options.maxBytes} bytes`)
    const finalKind = kind ?? decide(head, options.accept) // set inside the stream; TypeScript cannot see that
    return { tmp, path: `${options.folder}/${name}.${finalKind}`, size, kind: finalKind, mime: MIME[finalKind] }
  } catch (error) {
    // A refused stream may still be opening its file: remove it only once the stream is closed.
    if (!out.closed) await once(out, 'close').catch(() => undefined)
    await fs.rm(tmp, { force: true })
    source.resume() // drain what is left so the request can finish
    throw error
  }
}

export function localFileStore(root: string): FileStore {
  const resolvePath = (path: string) => {
    if (!SAFE_PATH.test(path)) return undefined
    const full = normalize(join(root, path))
    return full.startsWith(root + sep) ? full : undefined
  }
  const statOf = async (path: string) => {
    const full = resolvePath(path)
    const stat = full ? await fs.stat(full).catch(() => null) : null
    return full && stat?.isFile() ? { full, size: stat.size } : null
  }
  return {
    async save(source, options) {
      const { tmp, ...stored } = await spoolChecked(source, options, join(root, '.incoming'))
      const final = join(root, stored.path)
      await fs.mkdir(dirname(final), { recursive: true })
      await fs.rename(tmp, final)
      return stored
    },
    async open(path) {
      const found = await statOf(path)
      return found ? { stream: createReadStream(found.full), size: found.size, mime: mimeOfPath(path) } : null
    },
    async stat(path) {
      const found = await statOf(path)
      return found ? { size: found.size, mime: mimeOfPath(path) } : null
    },
    async readHead(path, bytes) {
      const found = await statOf(path)
      if (!found) return null
      const handle = await fs.open(found.full, 'r')
      try {
        const buffer = Buffer.alloc(bytes)
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
        return buffer.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    },
    async remove(path) {
      const full = resolvePath(path)
      if (full) await fs.rm(full, { force: true })
    },
  }
}

/** The kind to store the file as, or a refusal when its content is not among those accepted. */
export function decide(head: Buffer, accept: readonly FileKind[] | 'any'): FileKind {
  const kind = sniff(head)
  if (accept === 'any') return kind ?? 'bin'
  if (!kind || !accept.includes(kind)) throw new FileRefusedError('BAD_FILE_TYPE', `file content is not one of: ${accept.join(', ')}`)
  return kind
}
