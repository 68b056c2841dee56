// The HTTP calls of the provider clients: fetch with a timeout, answers read as JSON, failures turned into results.
import type { CachedToken } from './token-cache.ts'
import type { PushResult } from './types.ts'

export interface HttpAnswer {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

/** Thrown inside a client when it must stop with a result (e.g. the auth endpoint refused); `send` turns it into that result. */
export class PushStop extends Error {
  constructor(readonly result: PushResult) {
    super(result.reason ?? result.outcome)
  }
}

export async function request(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  let response: Response
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    // A network failure or a timeout: the provider may be fine a moment later.
    throw new PushStop({ outcome: 'retry', reason: networkReason(error) })
  }
  const text = await response.text().catch(() => '')
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

export function networkReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } }
  if (e?.name === 'TimeoutError') return 'timeout'
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'network error'
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

/** 429 and 5xx mean "later"; other statuses are for the caller to read. */
export function transient(answer: HttpAnswer, reason?: string): PushResult | undefined {
  if (answer.status === 429 || answer.status >= 500) {
    return {
      outcome: 'retry',
      status: answer.status,
      reason: reason ?? `HTTP ${answer.status}`,
      retryAfterSeconds: retryAfter(answer.headers.get('retry-after')),
    }
  }
  return undefined
}

/** Runs a client's work, turning a PushStop into its result and anything else thrown into a retry. */
export async function settle(work: () => Promise<PushResult>): Promise<PushResult> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof PushStop) return error.result
    return { outcome: 'retry', reason: networkReason(error) }
  }
}

export const form = (fields: Record<string, string | number | undefined>) => {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) body.append(key, String(value))
  return body
}

/**
 * An OAuth 2.0 token request (RFC 6749 §4.4 / RFC 7523): the token, kept until five minutes before
 * `expires_in` so that it never expires on its way to the provider; a refusal stops the send as bad credentials.
 */
export async function oauthToken(url: string, fields: Record<string, string>, timeoutMs: number, now: () => number): Promise<CachedToken> {
  const answer = await request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(fields),
    },
    timeoutMs,
  )
  const body = answer.json as { access_token?: string; expires_in?: number; error?: string | number } | undefined
  const failed = transient(answer, body?.error !== undefined ? `oauth ${body.error}` : undefined)
  if (failed) throw new PushStop(failed)
  if (answer.status !== 200 || !body?.access_token) {
    throw new PushStop({ outcome: 'bad-credentials', status: answer.status, reason: `oauth ${body?.error ?? answer.status}` })
  }
  return { value: body.access_token, expiresAt: now() + Math.max(60, (body.expires_in ?? 3600) - 300) * 1000 }
}
