// npm run replay -- [--target URL] [--json FILE] [--outbox FILE] [--admin-token TOKEN] [paths…]: replays compat fixtures; exit 0 only when all pass.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { findFixtureFiles } from './replay/fixture.ts'
import { consoleListener, jsonReport, summarize, summaryLine } from './replay/report.ts'
import { replayFiles, type Target } from './replay/runner.ts'
import { startInProcessServer, type InProcessServer } from './replay/server.ts'

const USAGE = `usage: npm run replay -- [--target URL] [--json FILE] [--outbox FILE] [--admin-token TOKEN] [paths…]

Replays the compat fixtures (default: compat-fixtures/, without its pending/ folders).
  --target URL    replay against a running server (default: start one in-process on a fresh embedded database)
  --json FILE     also write a machine-readable report
  --outbox FILE   the SMS outbox of the target (for {"$outbox": mobile}); in-process runs set their own
  --admin-token TOKEN
                  the target's admin token (for {{$adminToken}}; default env ADMIN_TOKEN); in-process runs set their own
Exit code: 0 when every exchange passes, 1 when any fails, 2 on a usage error.`

async function main(): Promise<number> {
  let args
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        json: { type: 'string' },
        outbox: { type: 'string' },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`)
    return 2
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (args.values.target !== undefined && !/^https?:\/\/[^\s]+$/.test(args.values.target)) {
    process.stderr.write(`--target must be an http(s) URL, got ${JSON.stringify(args.values.target)}\n`)
    return 2
  }

  let files: string[]
  try {
    files = findFixtureFiles(args.positionals.length > 0 ? args.positionals : ['compat-fixtures'])
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    return 2
  }
  if (files.length === 0) {
    process.stderr.write('no fixture files found\n')
    return 2
  }

  let server: InProcessServer | undefined
  let target: Target
  if (args.values.target) {
    target = {
      baseUrl: args.values.target,
      outboxFile: args.values.outbox ?? process.env.SMS_OUTBOX,
      adminToken: args.values['admin-token'] ?? process.env.ADMIN_TOKEN,
    }
  } else {
    process.stdout.write('starting im-gateway in-process on a fresh embedded database…\n')
    server = await startInProcessServer()
    // Ctrl-C still removes the temporary database.
    const stop = () => {
      void server?.close().finally(() => process.exit(130))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    target = { baseUrl: server.baseUrl, outboxFile: args.values.outbox ?? server.outboxFile, adminToken: server.adminToken }
  }

  const startedAt = new Date()
  try {
    const results = await replayFiles(
      files,
      target,
      consoleListener((line) => process.stdout.write(`${line}\n`)),
    )
    const summary = summarize(results)
    process.stdout.write(`${summaryLine(summary)}\n`)
    if (args.values.json) {
      writeFileSync(args.values.json, `${JSON.stringify(jsonReport(args.values.target ?? 'in-process', startedAt, results), null, 2)}\n`)
    }
    return summary.failedFixtures === 0 ? 0 : 1
  } finally {
    await server?.close()
  }
}

process.exitCode = await main()
