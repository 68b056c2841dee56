// What a replay run tells people (one line per exchange, diffs, a summary line) and machines (the --json report).
import { formatDifference } from './diff.ts'
import type { ExchangeResult, FixtureResult, Listener } from './runner.ts'

export interface Summary {
  fixtures: number
  failedFixtures: number
  exchanges: number
  passed: number
  failed: number
  skipped: number
}

export interface JsonReport {
  target: string
  startedAt: string
  finishedAt: string
  ok: boolean
  summary: Summary
  fixtures: FixtureResult[]
}

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const

export function summarize(results: FixtureResult[]): Summary {
  const exchanges = results.flatMap((result) => result.exchanges)
  return {
    fixtures: results.length,
    failedFixtures: results.filter((result) => result.outcome === 'fail').length,
    exchanges: exchanges.length,
    passed: exchanges.filter((exchange) => exchange.outcome === 'pass').length,
    failed: exchanges.filter((exchange) => exchange.outcome === 'fail').length,
    skipped: exchanges.filter((exchange) => exchange.outcome === 'skip').length,
  }
}

/** `FAIL user/login.json #2 log in (POST /user/user!login, 12 ms)` then one indented line per difference. */
export function exchangeLines(fixture: Pick<FixtureResult, 'file'>, exchange: ExchangeResult): string[] {
  const step = exchange.setup ? ' [setup]' : ''
  const timing = exchange.outcome === 'skip' ? 'skipped after a failed setup step' : `${exchange.durationMs} ms`
  const lines = [`${MARK[exchange.outcome]} ${fixture.file} #${exchange.index} ${exchange.name}${step} (${exchange.method} ${exchange.path}, ${timing})`]
  if (exchange.error) lines.push(`       error: ${exchange.error}`)
  for (const difference of exchange.differences) lines.push(`       ${formatDifference(difference)}`)
  if (exchange.outcome === 'fail' && exchange.actual) {
    lines.push(`       actual: HTTP ${exchange.actual.status} ${exchange.actual.body.slice(0, 300)}`)
  }
  return lines
}

export function summaryLine(summary: Summary): string {
  return `${summary.fixtures} fixtures, ${summary.exchanges} exchanges: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
}

/** Streams lines to `write` as the run goes. */
export function consoleListener(write: (line: string) => void): Listener {
  return {
    exchangeDone(fixture, exchange) {
      for (const line of exchangeLines(fixture, exchange)) write(line)
    },
    fixtureDone(fixture) {
      if (fixture.error) write(`FAIL ${fixture.file}: ${fixture.error}`)
    },
  }
}

export function jsonReport(target: string, startedAt: Date, results: FixtureResult[]): JsonReport {
  const summary = summarize(results)
  return {
    target,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ok: summary.failedFixtures === 0,
    summary,
    fixtures: results,
  }
}
