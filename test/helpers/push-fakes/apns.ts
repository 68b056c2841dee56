// A local APNs: HTTP/2 over TLS (self-signed), checking the provider token (ES256, key id, team id), topic and payload as Apple does.
import { createSecureServer, type IncomingHttpHeaders } from 'node:http2'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { generate } from 'selfsigned'
import { Script, verifyJwt, type Answer } from './server.ts'

export interface ApnsRequest {
  path: string
  headers: IncomingHttpHeaders
  payload: Record<string, unknown>
  jwt: { header: Record<string, unknown>; claims: Record<string, unknown> }
}

export interface FakeApns {
  url: string
  /** The server's certificate, for the client to trust. */
  ca: string
  requests: ApnsRequest[]
  /** Tokens APNs answers 410 Unregistered for. */
  unregistered: Set<string>
  /** How many HTTP/2 connections clients opened. */
  connections(): number
  script: Script
  close: () => Promise<void>
}

/** A signing key as Apple hands it out (.p8: PKCS#8 PEM of an EC P-256 key) with its public half. */
export function apnsKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey }
}

let shared: ReturnType<typeof generate> | undefined

/** One self-signed certificate for every fake of the process: two CAs of the same name would confuse the client's chain lookup. */
function certificate(): ReturnType<typeof generate> {
  shared ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  })
  return shared
}

export async function startFakeApns(expect: { publicKey: import('node:crypto').KeyObject; keyId: string; teamId: string; topic: string }): Promise<FakeApns> {
  const pems = await certificate()
  const requests: ApnsRequest[] = []
  const unregistered = new Set<string>()
  const script = new Script()
  const server = createSecureServer({ key: pems.private, cert: pems.cert })
  const sessions = new Set<import('node:http2').ServerHttp2Session>()
  let opened = 0
  server.on('session', (session) => {
    opened++
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      const reply = (answer: Answer) => {
        const extra = answer.headers ?? {}
        stream.respond({ ':status': answer.status, 'apns-id': String(headers['apns-id'] ?? randomUUID()), ...extra })
        stream.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
      }
      const fail = (status: number, reason: string) => reply({ status, body: { reason } })
      const path = String(headers[':path'] ?? '')
      const match = /^\/3\/device\/([0-9a-f]{64})$/.exec(path)
      if (headers[':method'] !== 'POST') return fail(405, 'MethodNotAllowed')
      if (!match) return fail(400, 'BadDeviceToken')
      const auth = String(headers.authorization ?? '')
      if (!auth.startsWith('bearer ')) return fail(403, 'MissingProviderToken')
      const jwt = verifyJwt(auth.slice(7), expect.publicKey, 'ES256')
      if (!jwt || jwt.header.kid !== expect.keyId || jwt.claims.iss !== expect.teamId) return fail(403, 'InvalidProviderToken')
      if (typeof jwt.claims.iat !== 'number') return fail(403, 'InvalidProviderToken')
      if (headers['apns-topic'] !== expect.topic) return fail(400, 'TopicDisallowed')
      if (!['alert', 'background'].includes(String(headers['apns-push-type']))) return fail(400, 'InvalidPushType')
      const body = Buffer.concat(chunks)
      if (body.length > 4096) return fail(413, 'PayloadTooLarge')
      let payload: Record<string, unknown>
      try {
        payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      } catch {
        return fail(400, 'PayloadEmpty')
      }
      requests.push({ path, headers, payload, jwt })
      const scripted = script.next()
      if (scripted) return reply(scripted)
      if (unregistered.has(match[1]!)) return reply({ status: 410, body: { reason: 'Unregistered', timestamp: Date.now() } })
      reply({ status: 200 })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `https://127.0.0.1:${(server.address() as { port: number }).port}`,
    ca: pems.cert,
    requests,
    unregistered,
    connections: () => opened,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const session of sessions) session.destroy()
      }),
  }
}
