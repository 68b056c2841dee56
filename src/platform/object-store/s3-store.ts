// Stored files in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS): every process reaches the same files.
import { createReadStream, promises as fs } from 'node:fs'
import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import { lazily } from '../lazy.ts'
import { SAFE_PATH, spoolChecked, type FileStore } from '../storage.ts'
import { DependencyUnavailableError } from '../outage.ts'

export interface S3Settings {
  endpoint?: string
  region: string
  bucket: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle: boolean
  /** When set, clients upload straight to the bucket with a POST form valid this many seconds. */
  directUploadSeconds?: number
  /** The bucket's address as clients reach it, when not the endpoint the gateway uses (a container name, say). */
  publicEndpoint?: string
}

// The SDK is large: loaded when a store is made (STORAGE=s3), not by every start.
const sdk = lazily<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3')
const presigning = lazily<typeof import('@aws-sdk/s3-presigned-post')>('@aws-sdk/s3-presigned-post')

/**
 * Uploads through the gateway are checked (size, kind by magic bytes) while spooled to a file under
 * `spoolDir`, then put with their length: a refused file never reaches the bucket.
 */
export function s3FileStore(settings: S3Settings, spoolDir: string): FileStore & { client: S3Client } {
  const { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } = sdk()
  const { createPresignedPost } = presigning()
  /** A missing object: S3 answers 404 NoSuchKey (GET) or NotFound (HEAD). */
  const isMissing = (error: unknown) =>
    error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NoSuchKey' || error.name === 'NotFound')
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // Checksums only where S3 requires them: many S3-compatible stores (and s3rver) refuse the newer default trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  })
  const Bucket = settings.bucket
  /** A request to the store; any failure but a missing object (or an empty range) means the store is unavailable: 503, not 500. */
  const send = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request()
    } catch (error) {
      if (isMissing(error) || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416)) throw error
      throw new DependencyUnavailableError('object store', error)
    }
  }
  const head = async (path: string) => {
    if (!SAFE_PATH.test(path)) return null
    try {
      const answer = await send(() => client.send(new HeadObjectCommand({ Bucket, Key: path })))
      return { size: answer.ContentLength ?? 0, mime: answer.ContentType ?? 'application/octet-stream' }
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }
  const store: FileStore & { client: S3Client } = {
    client,
    async save(source, options) {
      const { tmp, ...stored } = await spoolChecked(source, options, spoolDir)
      try {
        await send(() =>
          client.send(
            new PutObjectCommand({
              Bucket,
              Key: stored.path,
              Body: createReadStream(tmp),
              ContentLength: stored.size,
              ContentType: stored.mime,
            }),
          ),
        )
        return stored
      } finally {
        await fs.rm(tmp, { force: true })
      }
    },
    async open(path) {
      if (!SAFE_PATH.test(path)) return null
      try {
        const answer = await send(() => client.send(new GetObjectCommand({ Bucket, Key: path })))
        return { stream: answer.Body as Readable, size: answer.ContentLength ?? 0, mime: answer.ContentType ?? 'application/octet-stream' }
      } catch (error) {
        if (isMissing(error)) return null
        throw error
      }
    },
    stat: head,
    async readHead(path, bytes) {
      if (!SAFE_PATH.test(path)) return null
      try {
        const answer = await send(() => client.send(new GetObjectCommand({ Bucket, Key: path, Range: `bytes=0-${bytes - 1}` })))
        return Buffer.from(await answer.Body!.transformToByteArray()).subarray(0, bytes)
      } catch (error) {
        // An empty object has no byte 0: S3 answers 416 to the range.
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) return Buffer.alloc(0)
        if (isMissing(error)) return null
        throw error
      }
    },
    async remove(path) {
      if (SAFE_PATH.test(path)) await send(() => client.send(new DeleteObjectCommand({ Bucket, Key: path })))
    },
    async setType(path, mime) {
      if (!SAFE_PATH.test(path)) return
      await send(() =>
        client.send(
          new CopyObjectCommand({
            Bucket,
            Key: path,
            CopySource: `${Bucket}/${path}`,
            ContentType: mime,
            MetadataDirective: 'REPLACE',
          }),
        ),
      )
    },
  }
  const seconds = settings.directUploadSeconds
  if (seconds) {
    Object.assign(store, {
      directUploads: {
        async form(path: string, limits: { maxBytes: number; mime: string }) {
          const { url, fields } = await createPresignedPost(client, {
            Bucket,
            Key: path,
            Expires: seconds,
            Fields: { 'Content-Type': limits.mime },
            Conditions: [['content-length-range', 1, limits.maxBytes]],
          })
          return { url: settings.publicEndpoint ? publicUrl(url, settings.publicEndpoint) : url, fields }
        },
      },
    })
  }
  return store
}

/** The same bucket URL on the address clients use: its path (and bucket) stay. */
function publicUrl(url: string, publicEndpoint: string): string {
  const target = new URL(url)
  const base = new URL(publicEndpoint)
  const path = (base.pathname.replace(/\/+$/, '') + target.pathname).replace(/^\/*/, '/')
  return `${base.origin}${path}`
}
