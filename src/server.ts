// Process entry: load config, build the app, listen, and close gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { isConnectionFailure } from './platform/outage.ts'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`im-gateway: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
  // Until the server listens nothing holds the event loop open (PGlite works synchronously): each time the loop runs
  // empty, Node waits for V8's background tasks (the platform's DrainTasks), here PGlite's WebAssembly being optimised,
  // which stalled a start ~0.4 s. A timer held until listening lets that work go on beside the start instead.
  const holdLoop = setInterval(() => {}, 60_000)
  const app = await buildApp(config, {
    // Shown once, on the terminal only: never through the logger.
    onGeneratedAdminToken: (token) =>
      process.stderr.write(
        `\nim-gateway: generated the admin token of app "${config.DEFAULT_APP_ID}" (shown only now; set ADMIN_TOKEN to choose your own):\n  ${token}\n\n`,
      ),
  })
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      app.log.error('shutdown timed out')
      process.exit(1)
    }, 10_000)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (error) => {
        app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  // The last line of defence: a connection error nobody caught (a dead connection's 'error' event, a
  // fire-and-forget query) must not end the process that outlives the outage. Anything else still does.
  const survive = (kind: string) => (error: unknown) => {
    if (!isConnectionFailure(error)) {
      app.log.fatal({ err: error }, `${kind}: exiting`)
      process.exit(1)
    }
    app.log.warn({ err: error }, `${kind} from a dependency connection; carrying on`)
  }
  process.on('uncaughtException', survive('uncaught exception'))
  process.on('unhandledRejection', survive('unhandled rejection'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  // A restart makes thousands of sockets reconnect at once: let the kernel queue them (up to its somaxconn) while the
  // event loop is busy with the first logins, instead of resetting them past Node's default of 511.
  await app.listen({ port: config.PORT, host: config.HOST, backlog: 4096 })
  clearInterval(holdLoop)
}

main().catch((error) => {
  process.stderr.write(`im-gateway: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
