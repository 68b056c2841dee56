// A dependency that went away (PostgreSQL, Redis, the object store): its errors are tagged where they arise, so a request answers 503, not 500.

export type Dependency = 'database' | 'redis' | 'object store'

/** How a dependency is named in messages. */
export function dependencyName(dependency: Dependency): string {
  return dependency === 'database' ? 'the database' : dependency === 'redis' ? 'Redis' : 'the object store'
}

/** Where the platform reports what happens to its connections (pino's logger fits). */
export interface PlatformLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  debug(obj: object, msg: string): void
}

export const silentLog: PlatformLog = { info() {}, warn() {}, debug() {} }

/** The dependency could not be reached or dropped the connection; the request may be retried later. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(`${dependencyName(dependency)} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'DependencyUnavailableError'
  }
}

export function isDependencyUnavailable(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError
}

/** Socket-level failures: the peer is down, restarting or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN'])

/**
 * PostgreSQL errors that are about the connection, not the query: SQLSTATE class 08 (connection
 * exception), 57P01–57P03 (administrator or crash shutdown, cannot connect now), 53300 (too many
 * connections), and node-postgres' own words for a dead or unobtainable connection.
 */
export function isPostgresConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true
  }
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed/i.test(error.message)
}

/** ioredis' own words for a connection that is gone or not there yet. */
const REDIS_CONNECTION = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Command timed out|Reached the max retries/i

/** Any failure that is about reaching PostgreSQL or Redis rather than about what was asked of them. */
export function isConnectionFailure(error: unknown): boolean {
  if (isDependencyUnavailable(error) || isPostgresConnectionError(error)) return true
  return error instanceof Error && (REDIS_CONNECTION.test(error.message) || error.name === 'MaxRetriesPerRequestError')
}

/** A failed Redis command means Redis is unreachable, slow or out of memory: ours are well-formed. */
export function redisUnavailable(error: unknown): DependencyUnavailableError {
  return error instanceof DependencyUnavailableError ? error : new DependencyUnavailableError('redis', error)
}
