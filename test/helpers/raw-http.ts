// One HTTP/1.1 exchange over a bare TCP socket: the response's header names exactly as they crossed the wire.
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'

export interface RawResponse {
  status: number
  /** Header lines in order, names as sent (no lowercasing client in between). */
  headers: Array<[name: string, value: string]>
  body: string
}

/** The names of the headers, as spelled on the wire. */
export const headerNames = (r: RawResponse) => r.headers.map(([name]) => name)

/** The value of a header whose name is spelled exactly `name` (undefined when only another spelling came). */
export const exactHeader = (r: RawResponse, name: string) => r.headers.find(([n]) => n === name)?.[1]

/** Starts listening (once) and sends one request with `Connection: close`; reads until the server closes. */
export async function rawRequest(
  app: FastifyInstance,
  request: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body)
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    ...(body.length > 0 || request.method === 'POST' ? [`Content-Length: ${body.length}`] : []),
  ].join('\r\n')
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body])))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks)))
    socket.on('error', reject)
  })
  const split = raw.indexOf('\r\n\r\n')
  const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n')
  const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])
  let payload = raw.subarray(split + 4)
  if (headers.some(([name, value]) => name.toLowerCase() === 'transfer-encoding' && value === 'chunked')) payload = unchunk(payload)
  return { status: Number(statusLine!.split(' ')[1]), headers, body: payload.toString('utf8') }
}

function unchunk(data: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = data.indexOf('\r\n', at)
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16)
    if (!size) return Buffer.concat(out)
    out.push(data.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}
