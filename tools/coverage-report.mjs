// Reports the coverage of the last `tap --no-disable-coverage` run and fails below the floor set in package.json ("tap": lines, branches…).
// tsx leaves the source text out of its source maps (sourcesContent [null]) unless NODE_V8_COVERAGE was set when it loaded,
// and c8 then maps every range onto an empty original: each file shows 100%. Dropping that empty sourcesContent makes
// c8 read the TypeScript source from disk, which is what the maps point at. Extra arguments go to `tap report`
// (reporters such as html or lcov; reports land in .tap/report, outside git).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const dir = join(import.meta.dirname, '..', '.tap', 'coverage')
let files
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.json'))
} catch {
  files = []
}
if (files.length === 0) {
  console.error(`coverage-report: no coverage in ${dir}; run the tests with --no-disable-coverage first`)
  process.exit(1)
}

for (const name of files) {
  const path = join(dir, name)
  const coverage = JSON.parse(readFileSync(path, 'utf8'))
  let changed = false
  for (const entry of Object.values(coverage['source-map-cache'] ?? {})) {
    const content = entry?.data?.sourcesContent
    if (Array.isArray(content) && content.every((text) => text == null)) {
      delete entry.data.sourcesContent
      changed = true
    }
  }
  if (changed) writeFileSync(path, JSON.stringify(coverage))
}

const reporters = process.argv.slice(2)
const tap = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tap')
const result = spawnSync(tap, ['report', '--no-browser', ...(reporters.length ? reporters : ['text-summary'])], { stdio: 'inherit' })
process.exit(result.status ?? 1)
