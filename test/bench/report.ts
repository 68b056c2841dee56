// Formatting of the bench output: one fixed-width table row per measurement, written as it completes.
import type { Measurement } from './target.ts'

const COLUMNS = [
  { title: 'round', width: 7, left: true },
  { title: 'target', width: 32, left: true },
  { title: 'req/s', width: 10, left: false },
  { title: 'p50 ms', width: 8, left: false },
  { title: 'p99 ms', width: 8, left: false },
  { title: 'requests', width: 10, left: false },
] as const

function line(cells: string[]): string {
  return COLUMNS.map((c, i) => (c.left ? (cells[i] ?? '').padEnd(c.width) : (cells[i] ?? '').padStart(c.width)))
    .join(' ')
    .trimEnd()
}

export function printHeading(title: string): void {
  console.log(`\n== ${title} ==`)
  console.log(line(COLUMNS.map((c) => c.title)))
}

export function printRow(round: string, name: string, m: Measurement): void {
  console.log(line([round, name, m.requestsPerSecond.toFixed(0), m.p50.toFixed(1), m.p99.toFixed(1), String(m.requests)]))
}

/** The per-round ratios show how far one figure can be trusted: a wide spread means a noisy machine. */
export function printRatios(nameA: string, nameB: string, ratios: number[], median: number): void {
  console.log(`${nameA} ÷ ${nameB} per round: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median.toFixed(2)}`)
}
