// A local Web Push service (RFC 8030): checks the VAPID JWT (RFC 8292) and decrypts the aes128gcm payload (RFC 8291) as the browser would.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes } from 'node:crypto'
import { Script, startServer, verifyJwt, type Recorded } from './server.ts'

export interface FakeWebPush {
  url: string
  /** A browser's subscription at this service (what the device stores as its push token). */
  subscribe(): { subscription: string; endpoint: string }
  /** Delivered pushes: the request, the VAPID claims and the decrypted payload. */
  deliveries: Array<{ request: Recorded; claims: Record<string, unknown>; payload: unknown }>
  /** Subscription endpoints that have expired (410 Gone). */
  gone: Set<string>
  script: Script
  close: () => Promise<void>
}

const b64 = (buffer: Buffer) => buffer.toString('base64url')
const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) => Buffer.from(hkdfSync('sha256', ikm, salt, info, length))

/** The application server's public key (65 bytes, uncompressed P-256) as a KeyObject. */
function vapidPublicKey(raw: Buffer) {
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(raw.subarray(1, 33)), y: b64(raw.subarray(33, 65)) }, format: 'jwk' })
}

export async function startFakeWebPush(expect: { publicKey: string; subject: string }): Promise<FakeWebPush> {
  const subscribers = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>()
  const deliveries: FakeWebPush['deliveries'] = []
  const gone = new Set<string>()
  const script = new Script()
  const server = await startServer(
    (request) => {
      const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.path)?.[1]
      const subscriber = id ? subscribers.get(id) : undefined
      if (request.method !== 'POST' || !subscriber) return { status: 404, body: 'no such subscription' }
      const authorization = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(String(request.headers.authorization ?? ''))
      if (!authorization || authorization[2] !== expect.publicKey) return { status: 401, body: "VAPID key missing or not the subscription's" }
      const jwt = verifyJwt(authorization[1]!, vapidPublicKey(Buffer.from(authorization[2], 'base64url')), 'ES256')
      if (!jwt || jwt.claims.aud !== server.url || jwt.claims.sub !== expect.subject || Number(jwt.claims.exp) * 1000 < Date.now()) {
        return { status: 403, body: 'VAPID JWT refused' }
      }
      if (request.headers['content-encoding'] !== 'aes128gcm' || !/^\d+$/.test(String(request.headers.ttl ?? ''))) return { status: 400, body: 'bad headers' }
      const scripted = script.next()
      if (scripted) return scripted
      if (gone.has(`${server.url}${request.path}`)) return { status: 410, body: 'subscription expired' }
      const body = Buffer.from(request.body, 'latin1')
      deliveries.push({ request, claims: jwt.claims, payload: decrypt(body, subscriber) })
      return { status: 201, headers: { location: `${server.url}/message/${deliveries.length}` } }
    },
    { raw: true },
  )
  return {
    url: server.url,
    subscribe() {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const auth = randomBytes(16)
      const id = b64(randomBytes(12))
      subscribers.set(id, { ecdh, auth })
      const endpoint = `${server.url}/push/${id}`
      return { endpoint, subscription: JSON.stringify({ endpoint, expirationTime: null, keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } }) }
    },
    deliveries,
    gone,
    script,
    close: server.close,
  }
}

/** RFC 8291 §3.4 and RFC 8188: one record, keys from the ECDH secret and the auth secret. */
function decrypt(body: Buffer, subscriber: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }): unknown {
  const salt = body.subarray(0, 16)
  const idLength = body[20]!
  const senderPublic = body.subarray(21, 21 + idLength)
  const ciphertext = body.subarray(21 + idLength)
  const secret = subscriber.ecdh.computeSecret(senderPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.ecdh.getPublicKey(), senderPublic])
  const ikm = hkdf(secret, subscriber.auth, keyInfo, 32)
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()])
  let end = padded.length - 1
  while (end > 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('not the last record')
  return JSON.parse(padded.subarray(0, end).toString('utf8'))
}
