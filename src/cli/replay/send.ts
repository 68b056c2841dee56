// Sends one prepared request with node:http(s) and keeps what a browser-style client would hide: header names as spelled on the wire.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { PreparedRequest } from './request.ts'

export interface RawReply {
  status: number
  /** Lowercased names; a repeated header's values joined with ", ". */
  headers: Record<string, string>
  /** Every header name as the server spelled it, in order. */
  headerNames: string[]
  text: string
}

/** The body as bytes, with the content-type a multipart body needs (its boundary). */
async function encodeBody(request: PreparedRequest): Promise<{ body?: Buffer; contentType?: string }> {
  if (request.body === undefined) return {}
  if (typeof request.body === 'string') return { body: Buffer.from(request.body, 'utf8') }
  const encoded = new Response(request.body)
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? undefined }
}

export async function sendRequest(url: string, request: PreparedRequest, timeoutMs: number): Promise<RawReply> {
  const { body, contentType } = await encodeBody(request)
  const headers: Record<string, string> = { ...request.headers }
  if (contentType && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = contentType
  if (body !== undefined) headers['content-length'] = String(body.length)
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(target, { method: request.method, headers, signal: AbortSignal.timeout(timeoutMs) }, resolve)
    outgoing.on('error', reject)
    outgoing.end(body)
  })
  const chunks: Buffer[] = []
  for await (const chunk of response) chunks.push(chunk as Buffer)
  const lowered: Record<string, string> = {}
  const names: string[] = []
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i]!
    const value = response.rawHeaders[i + 1]!
    names.push(name)
    const key = name.toLowerCase()
    lowered[key] = key in lowered ? `${lowered[key]}, ${value}` : value
  }
  return { status: response.statusCode ?? 0, headers: lowered, headerNames: names, text: Buffer.concat(chunks).toString('utf8') }
}
