// A local S3-protocol server for tests (s3rver on a free port) and, in front of it, a POST-policy checker.
// s3rver stores browser POST uploads but checks neither their signature nor their policy, so direct
// uploads go to `policyChecker`, which verifies both as S3 does (SigV4) before storing the object.
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import multipart from '@fastify/multipart'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

export const S3_BUCKET = 'im-gateway-test'
/** s3rver's built-in account. */
const ACCESS_KEY = 'S3RVER'
const SECRET_KEY = 'S3RVER'

interface Tap {
  teardown(fn: () => unknown): void
}

export interface TestObjectStore {
  /** STORAGE=s3 settings for testConfig. */
  env: Record<string, string>
  /** A client of the same bucket, to look at what landed there. */
  client: S3Client
  /** Stops the S3 server (an outage); teardown does it otherwise. */
  stop(): Promise<void>
}

/** s3rver on 127.0.0.1 with one bucket, and the policy checker; both closed in teardown. */
export async function startObjectStore(t: Tap, options: { direct?: boolean } = {}): Promise<TestObjectStore> {
  const directory = mkdtempSync(join(tmpdir(), 'im-gateway-s3-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: S3_BUCKET, configs: [] }] })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const checker = await policyChecker(client)
  let running = true
  const stop = async () => {
    if (running) await server.close()
    running = false
  }
  t.teardown(async () => {
    await checker.close()
    client.destroy()
    await stop()
    rmSync(directory, { recursive: true, force: true })
  })
  return {
    client,
    stop,
    env: {
      STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      S3_FORCE_PATH_STYLE: 'true',
      ...(options.direct ? { S3_DIRECT_UPLOAD: 'true', S3_PUBLIC_ENDPOINT: checker.url } : {}),
    },
  }
}

/**
 * POST /<bucket> as S3 takes a browser upload: form fields, then `file`. Refuses (403, S3's XML error)
 * a bad signature, an expired policy, and any field or size its conditions do not allow; stores the rest.
 */
async function policyChecker(client: S3Client) {
  const app = Fastify()
  await app.register(multipart, { limits: { fileSize: 200 * 1024 * 1024 } })
  const refuse = (reply: { code(n: number): { type(t: string): { send(b: string): unknown } } }, code: string, message: string) =>
    reply.code(403).type('application/xml').send(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
  app.post('/:bucket', async (request, reply) => {
    const { bucket } = request.params as { bucket: string }
    const fields: Record<string, string> = { bucket }
    let file: Buffer | undefined
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'file') file = await part.toBuffer()
        else part.file.resume()
        break
      }
      fields[part.fieldname.toLowerCase()] = String(part.value)
    }
    if (!file) return refuse(reply, 'InvalidArgument', 'POST requires exactly one file upload per request.')
    const policyText = fields.policy ?? ''
    const [accessKey, date, region, service] = (fields['x-amz-credential'] ?? '').split('/')
    if (accessKey !== ACCESS_KEY || fields['x-amz-algorithm'] !== 'AWS4-HMAC-SHA256') return refuse(reply, 'InvalidAccessKeyId', 'bad credential')
    const signingKey = [date!, region!, service!, 'aws4_request'].reduce<Buffer | string>(
      (key, part) => createHmac('sha256', key).update(part).digest(),
      `AWS4${SECRET_KEY}`,
    )
    const signature = createHmac('sha256', signingKey).update(policyText).digest('hex')
    if (signature !== fields['x-amz-signature']) return refuse(reply, 'SignatureDoesNotMatch', 'signature')
    const policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] }
    if (Date.parse(policy.expiration) <= Date.now()) return refuse(reply, 'AccessDenied', 'Invalid according to Policy: Policy expired.')
    const covered = new Set(['policy', 'x-amz-signature', 'file'])
    for (const condition of policy.conditions) {
      if (Array.isArray(condition) && condition[0] === 'content-length-range') {
        if (file.length < Number(condition[1]) || file.length > Number(condition[2])) {
          return refuse(reply, file.length > Number(condition[2]) ? 'EntityTooLarge' : 'EntityTooSmall', 'Your proposed upload is outside the allowed size')
        }
        continue
      }
      const [op, name, value] = Array.isArray(condition)
        ? [String(condition[0]), String(condition[1]).replace(/^\$/, ''), String(condition[2])]
        : ['eq', ...Object.entries(condition as Record<string, string>)[0]!]
      const key = name.toLowerCase()
      covered.add(key)
      const given = fields[key]
      if (given === undefined || (op === 'eq' ? given !== value : !given.startsWith(value))) {
        return refuse(reply, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`)
      }
    }
    const extra = Object.keys(fields).find((name) => !covered.has(name) && !name.startsWith('x-ignore-'))
    if (extra) return refuse(reply, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra}`)
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: fields.key, Body: file, ContentType: fields['content-type'] }))
    return reply.code(204).send()
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() }
}
