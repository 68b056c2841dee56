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
  constructor(readonly key: 'PAYLOAD_TOO_LARGE' | 'BAD_FILE_TYPE', message: string) {
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

export interface FileStore {
  /** Stores the stream or refuses it (FileRefusedError: BAD_FILE_TYPE, PAYLOAD_TOO_LARGE) leaving nothing behind. */
  save(source: Readable, options: SaveOptions): Promise<StoredFile>
  open(path: string): Promise<{ stream: Readable; size: number; mime: string } | null>
  remove(path: string): Promise<void>
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

const SAFE_PATH = /^[a-z0-9_-]+\/[0-9a-f]{32}\.[a-z]+$/

export function localFileStore(root: string): FileStore {
  const resolvePath = (path: string) => {
    if (!SAFE_PATH.test(path)) return undefined
    const full = normalize(join(root, path))
    return full.startsWith(root + sep) ? full : undefined
  }
  return {
    async save(source, options) {
      const name = randomBytes(16).toString('hex')
      const tmp = join(root, '.incoming', `${name}.part`)
      await fs.mkdir(dirname(tmp), { recursive: true })
      let size = 0
      let kind: FileKind | undefined
      let head = Buffer.alloc(0)
      const out = createWriteStream(tmp)
      try {
        await pipeline(source, async function* (chunks: AsyncIterable<Buffer>) {
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
        }, out)
        // The multipart parser marks a file cut at its size limit instead of failing the stream.
        if ((source as Readable & { truncated?: boolean }).truncated) throw new FileRefusedError('PAYLOAD_TOO_LARGE', `file is larger than ${options.maxBytes} bytes`)
        const finalKind = kind ?? decide(head, options.accept) // set inside the stream; TypeScript cannot see that
        const path = `${options.folder}/${name}.${finalKind}`
        const final = join(root, path)
        await fs.mkdir(dirname(final), { recursive: true })
        await fs.rename(tmp, final)
        return { path, size, kind: finalKind, mime: MIME[finalKind] }
      } catch (error) {
        // A refused stream may still be opening its file: remove it only once the stream is closed.
        if (!out.closed) await once(out, 'close').catch(() => undefined)
        await fs.rm(tmp, { force: true })
        source.resume() // drain what is left so the request can finish
        throw error
      }
    },
    async open(path) {
      const full = resolvePath(path)
      if (!full) return null
      const stat = await fs.stat(full).catch(() => null)
      if (!stat?.isFile()) return null
      const kind = path.slice(path.lastIndexOf('.') + 1) as FileKind
      return { stream: createReadStream(full), size: stat.size, mime: MIME[kind] ?? 'application/octet-stream' }
    },
    async remove(path) {
      const full = resolvePath(path)
      if (full) await fs.rm(full, { force: true })
    },
  }
}

/** The kind to store the file as, or a refusal when its content is not among those accepted. */
function decide(head: Buffer, accept: readonly FileKind[] | 'any'): FileKind {
  const kind = sniff(head)
  if (accept === 'any') return kind ?? 'bin'
  if (!kind || !accept.includes(kind)) throw new FileRefusedError('BAD_FILE_TYPE', `file content is not one of: ${accept.join(', ')}`)
  return kind
}
