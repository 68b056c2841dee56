// CPU seconds used by processes, read from /proc (Linux): on a shared machine, where the time went.
import { readdirSync, readFileSync } from 'node:fs'

/** USER_HZ of /proc/<pid>/stat: 100 on every Linux Node runs on. */
const CLOCK_TICKS = 100

/** CPU seconds (user + system, all threads) the process has used, or null where /proc is not. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    // After the command name (in parentheses, which may hold spaces): utime and stime are fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return null
  }
}

/** CPU seconds used by every process whose command name is `name` (postgres backends, redis-server). */
export function cpuSecondsOfCommand(name: string): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) total += cpuSecondsOf(Number(entry)) ?? 0
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total
}
