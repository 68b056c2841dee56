// A plain HTTP server for the push fakes: records each request and answers through the fake's handler.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { createPublicKey, verify, type KeyObject } from 'node:crypto'

export interface Recorded {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Answer {
  status: number
  headers?: Record<string, string>
  body?: unknown
}

export interface FakeServer {
  url: string
  requests: Recorded[]
  close: () => Promise<void>
}

export type Handler = (request: Recorded) => Answer | Promise<Answer>

/** `raw`: the body is kept as latin1 text, byte for byte (encrypted payloads). */
export async function startServer(handler: Handler, options: { raw?: boolean } = {}): Promise<FakeServer> {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(options.raw ? 'latin1' : 'utf8'),
      }
      requests.push(recorded)
      new Promise<Answer>((resolve) => resolve(handler(recorded))).then(
        (answer) => {
          const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
          res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) }).end(text)
        },
        (error: unknown) => {
          // The sender under test sees a dropped connection; the failure itself is printed, not an unhandled rejection.
          console.error('fake push server failed:', error)
          res.destroy()
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A queue of answers a test wants next; an empty queue lets the fake answer as the provider would. */
export class Script {
  private readonly queue: Answer[] = []
  push(...answers: Answer[]): void {
    this.queue.push(...answers)
  }
  next(): Answer | undefined {
    return this.queue.shift()
  }
}

export interface VerifiedJwt {
  header: Record<string, unknown>
  claims: Record<string, unknown>
}

/** Verifies a compact JWT's signature with the public key (ES256 as r|s, RS256 as PKCS#1 v1.5); undefined when it does not verify. */
export function verifyJwt(token: string, key: KeyObject | string, alg: 'ES256' | 'RS256'): VerifiedJwt | undefined {
  const [h, c, s] = token.split('.')
  if (!h || !c || !s) return undefined
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
  if (header.alg !== alg) return undefined
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key
  const ok =
    alg === 'ES256'
      ? verify('sha256', Buffer.from(`${h}.${c}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
      : verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, 'base64url'))
  if (!ok) return undefined
  return { header, claims: JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown> }
}

/** Form fields of a request body. */
export function formOf(request: Recorded): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request.body))
}
