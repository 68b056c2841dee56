// A Node request listener from an async one, for the small HTTP servers tests stand up.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

/** A failure is printed and the connection dropped (the client sees it and the test fails), never an unhandled rejection. */
export function asyncListener(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): RequestListener {
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('test HTTP server failed:', error)
      response.destroy()
    })
  }
}
