// What compare() measures: the Target interface, and HTTP targets that autocannon puts load on.
import autocannon from 'autocannon'

export interface LoadOptions {
  durationSeconds: number
  connections: number
  /** autocannon worker threads; 0 runs the load generator on the servers' own event loop. */
  workers: number
}

export interface Measurement {
  requestsPerSecond: number
  /** Latency percentiles in milliseconds. */
  p50: number
  p99: number
  /** Completed requests, to show how much each figure rests on. */
  requests: number
}

/** Anything compare() can put side by side: an HTTP route today, a WebSocket fan-out or a raw INSERT later. */
export interface Target {
  /** One request whose answer is checked in full, before any load: a fast wrong answer is not a result. */
  check(): Promise<void>
  /** Load for the duration; rejects on any connection error, timeout, non-2xx or unexpected body. */
  measure(options: LoadOptions): Promise<Measurement>
}

export interface HttpTargetSpec {
  url: string
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Throws when a response is not a correct answer. Our envelopes say "failed" with HTTP 200, so the status alone proves nothing. */
  verify(status: number, body: string): void
  /**
   * Every correct answer has the same body (default true): autocannon then counts any other body as a
   * mismatch, which is how failures inside a 200 envelope are caught under load. Set false for routes
   * whose answers differ per call (a sent message's id).
   */
  sameBody?: boolean
  /** Bodies sent in turn instead of `body` (load generated in-process: worker threads cannot take a function). */
  bodies?: string[]
}

export function httpTarget(spec: HttpTargetSpec): Target {
  let expectBody: string | undefined

  return {
    async check() {
      const request = () => fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body ?? spec.bodies?.[0] })
      // A kept-alive connection left idle through a long setup (1,000,000 rows seeded) can be closed by the server just
      // as it is reused: that is the client's race, not an answer, so the check asks again once on a new connection.
      const response = await request().catch((error: unknown) => {
        if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error
        return request()
      })
      const body = await response.text()
      try {
        spec.verify(response.status, body)
      } catch (error) {
        throw new Error(`${spec.method} ${spec.url} answered wrongly (HTTP ${response.status}): ${body.slice(0, 500)}`, { cause: error })
      }
      if (spec.sameBody !== false) expectBody = body
    },

    async measure({ durationSeconds, connections, workers }) {
      if (spec.sameBody !== false && expectBody === undefined) throw new Error(`${spec.url}: measure() before check()`)
      let turn = 0
      const bodies = spec.bodies
      const result = await autocannon({
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        connections,
        duration: durationSeconds,
        ...(bodies ? { requests: [{ setupRequest: (request) => ({ ...request, body: bodies[turn++ % bodies.length] }) }] } : {}),
        // A worker thread keeps the load generator's CPU off the event loop being measured.
        ...(workers > 0 && !bodies ? { workers } : {}),
        ...(expectBody !== undefined ? { expectBody } : {}),
      })
      const failures = { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, mismatches: result.mismatches }
      if (Object.values(failures).some((n) => n > 0) || result.requests.total === 0) {
        throw new Error(`${spec.method} ${spec.url} failed under load: ${JSON.stringify({ ...failures, completed: result.requests.total })}`)
      }
      return {
        requestsPerSecond: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
      }
    },
  }
}
