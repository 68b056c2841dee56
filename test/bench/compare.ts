// compare(): two targets measured alternately under the same load, reduced to medians and one ratio A ÷ B.
import { printHeading, printRatios, printRow } from './report.ts'
import type { LoadOptions, Measurement, Target } from './target.ts'

export interface CompareOptions extends LoadOptions {
  rounds: number
  /** Load put on each target first and thrown away: JIT, connection and cache warm-up. */
  warmupSeconds: number
}

export interface Comparison {
  a: Measurement
  b: Measurement
  /** Median of the per-round ratios A ÷ B of req/s. */
  ratio: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function medianOf(ms: Measurement[]): Measurement {
  return {
    requestsPerSecond: median(ms.map((m) => m.requestsPerSecond)),
    p50: median(ms.map((m) => m.p50)),
    p99: median(ms.map((m) => m.p99)),
    requests: median(ms.map((m) => m.requests)),
  }
}

export async function compare(nameA: string, targetA: Target, nameB: string, targetB: Target, options: CompareOptions): Promise<Comparison> {
  await targetA.check()
  await targetB.check()
  printHeading(`${nameA} vs ${nameB}: ${options.rounds} rounds of ${options.durationSeconds} s, ${options.connections} connections`)

  if (options.warmupSeconds > 0) {
    const warmup = { ...options, durationSeconds: options.warmupSeconds }
    printRow('warm-up', nameA, await targetA.measure(warmup))
    printRow('warm-up', nameB, await targetB.measure(warmup))
  }

  const a: Measurement[] = []
  const b: Measurement[] = []
  for (let round = 1; round <= options.rounds; round++) {
    // A first in odd rounds, B first in even ones: whichever runs second (warmer, or later in a
    // thermal or GC drift) is not always the same target.
    const order: Array<[string, Target, Measurement[]]> = [
      [nameA, targetA, a],
      [nameB, targetB, b],
    ]
    if (round % 2 === 0) order.reverse()
    for (const [name, target, into] of order) {
      const m = await target.measure(options)
      into.push(m)
      printRow(String(round), name, m)
    }
  }

  const medianA = medianOf(a)
  const medianB = medianOf(b)
  printRow('median', nameA, medianA)
  printRow('median', nameB, medianB)
  // Each round's A and B ran back to back under the same machine state, so their ratio cancels slow
  // drift that a ratio of the two overall medians would not.
  const ratios = a.map((m, i) => m.requestsPerSecond / b[i]!.requestsPerSecond)
  const ratio = median(ratios)
  printRatios(nameA, nameB, ratios, ratio)
  return { a: medianA, b: medianB, ratio }
}
