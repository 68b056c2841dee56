// Replays fixtures against a base URL: each exchange is sent, then status, body and headers are matched in that order.
import { redactUrl } from '../../platform/log.ts'
import type { Difference } from './diff.ts'
import type { Exchange, LoadedFixture } from './fixture.ts'
import { loadFixture } from './fixture.ts'
import { matchValue, type MatchContext } from './matchers.ts'
import { prepareRequest } from './request.ts'
import { sendRequest, type RawReply } from './send.ts'
import { Variables } from './template.ts'

export interface Target {
  /** e.g. `http://127.0.0.1:8080`; a path prefix is kept. */
  baseUrl: string
  /** The file the server's `file` SMS provider appends to, for `{"$outbox": …}`. */
  outboxFile?: string
  /** The target's admin token, for `{{$adminToken}}`. */
  adminToken?: string
  /** Per request, in ms (default 30 s). */
  timeoutMs?: number
}

export type Outcome = 'pass' | 'fail' | 'skip'

export interface ExchangeResult {
  /** 1-based position in the fixture. */
  index: number
  name: string
  setup: boolean
  outcome: Outcome
  method: string
  /** As sent, placeholders filled; secrets in the query string (passwords, tokens, codes) redacted. */
  path: string
  durationMs: number
  differences: Difference[]
  /** A problem that stopped the exchange before any comparison (fixture error, connection refused). */
  error?: string
  /** What came back, on failure: to read the diff against, or to capture a new fixture from. */
  actual?: { status: number; headers: Record<string, string>; body: string }
}

export interface FixtureResult {
  file: string
  description: string
  outcome: 'pass' | 'fail'
  /** The fixture could not be loaded or its vars not set. */
  error?: string
  exchanges: ExchangeResult[]
}

export interface Listener {
  fixtureStarted?(file: string): void
  exchangeDone?(fixture: FixtureResult, exchange: ExchangeResult): void
  fixtureDone?(fixture: FixtureResult): void
}

const MAX_BODY_IN_REPORT = 4000

function targetUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path
}

async function replayExchange(exchange: Exchange, index: number, loaded: LoadedFixture, vars: Variables, target: Target): Promise<ExchangeResult> {
  const result: ExchangeResult = {
    index,
    name: exchange.name,
    setup: exchange.setup === true,
    outcome: 'fail',
    method: exchange.request.method,
    path: exchange.request.path,
    durationMs: 0,
    differences: [],
  }
  const started = Date.now()
  try {
    const request = await prepareRequest(exchange.request, { vars, fixtureFile: loaded.file, outboxFile: target.outboxFile })
    result.path = redactUrl(request.path)
    let response: RawReply
    try {
      response = await sendRequest(targetUrl(target.baseUrl, request.path), request, target.timeoutMs ?? 30_000)
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message
      throw new Error(`request failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`, { cause: error })
    }
    const { text, headers } = response
    result.durationMs = Date.now() - started
    const spec = exchange.response
    const ignoreFieldOrder = spec.ignoreFieldOrder ?? loaded.fixture.ignoreFieldOrder ?? false
    const ctx = (place: MatchContext['place']): MatchContext => ({ vars, place, ignoreFieldOrder, differences: result.differences })

    matchValue(spec.status, response.status, ['status'], ctx('body'))
    if (spec.body !== undefined) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        result.differences.push({ path: 'body', message: `expected a JSON body, got ${JSON.stringify(text.slice(0, 200))}`, actual: text })
      }
      if (parsed !== undefined) matchValue(spec.body, parsed, ['body'], ctx('body'))
    }
    if (spec.bodyText !== undefined) matchValue(spec.bodyText, text, ['bodyText'], ctx('header'))
    for (const [name, expected] of Object.entries(spec.headers ?? {})) {
      matchValue(expected, headers[name.toLowerCase()], ['headers', name], ctx('header'))
      // Old apps look session headers up case-sensitively: a header present must be spelled as the fixture spells it.
      const spelled = response.headerNames.filter((sent) => sent.toLowerCase() === name.toLowerCase())
      if (spec.exactHeaderNames && spelled.length > 0 && !spelled.includes(name)) {
        result.differences.push({
          path: `headers.${name}`,
          message: `expected the name spelled "${name}", got "${spelled[0]}"`,
          expected: name,
          actual: spelled[0],
        })
      }
    }
    if (result.differences.length === 0) result.outcome = 'pass'
    else result.actual = { status: response.status, headers, body: text.slice(0, MAX_BODY_IN_REPORT) }
  } catch (error) {
    result.durationMs = Date.now() - started
    result.error = (error as Error).message
  }
  return result
}

function declareVars(vars: Variables, declared: Record<string, unknown> = {}): void {
  for (const [name, value] of Object.entries(declared)) vars.set(name, typeof value === 'string' ? vars.interpolate(value) : value)
}

/** Runs one fixture's exchanges in order with fresh variables; after a failed setup step the rest is skipped. */
export async function replayFixture(loaded: LoadedFixture, target: Target, listener: Listener = {}): Promise<FixtureResult> {
  const { fixture } = loaded
  const result: FixtureResult = { file: loaded.file, description: fixture.description, outcome: 'pass', exchanges: [] }
  const vars = new Variables(target.adminToken)
  let skipRest = false
  try {
    declareVars(vars, fixture.vars)
  } catch (error) {
    result.error = `vars: ${(error as Error).message}`
    skipRest = true
  }
  for (const [i, exchange] of fixture.exchanges.entries()) {
    const exchangeResult: ExchangeResult = skipRest
      ? {
          index: i + 1,
          name: exchange.name,
          setup: exchange.setup === true,
          outcome: 'skip',
          method: exchange.request.method,
          path: exchange.request.path,
          durationMs: 0,
          differences: [],
        }
      : await replayExchange(exchange, i + 1, loaded, vars, target)
    if (exchangeResult.outcome === 'fail' && exchangeResult.setup) skipRest = true
    result.exchanges.push(exchangeResult)
    listener.exchangeDone?.(result, exchangeResult)
  }
  if (result.error || result.exchanges.some((exchange) => exchange.outcome !== 'pass')) result.outcome = 'fail'
  return result
}

/** Loads and replays each file in turn; a file that does not load is a failed fixture, and the run goes on. */
export async function replayFiles(files: string[], target: Target, listener: Listener = {}): Promise<FixtureResult[]> {
  const results: FixtureResult[] = []
  for (const file of files) {
    listener.fixtureStarted?.(file)
    let result: FixtureResult
    try {
      result = await replayFixture(loadFixture(file), target, listener)
    } catch (error) {
      result = { file, description: '', outcome: 'fail', error: (error as Error).message, exchanges: [] }
    }
    listener.fixtureDone?.(result)
    results.push(result)
  }
  return results
}
