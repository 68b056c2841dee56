// What a server facing the internet needs whatever the surface: timeouts, the real client behind a proxy, security headers, CORS, input formats.
import type { ServerOptions } from 'node:http'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import { trustProxy, type Config } from '../../config.ts'
import { isDisplayName } from '../../domain/text.ts'
import { DISPLAY_NAME_FORMAT } from './wire.ts'

/** Headers the three surfaces read (MaxIM's SDK sends the first ones), and the legacy ones they send back. */
const REQUEST_HEADERS = [
  'content-type',
  'access-token',
  'app_id',
  'user_id',
  'group_id',
  'uid',
  'accessToken',
  'client',
  'expire',
  'Authorization',
  'x-request-id',
  'x-requested-with',
]
const EXPOSED_HEADERS = ['uid', 'accessToken', 'client', 'expire', 'x-request-id', 'retry-after']
/** Every method the three documents use. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']

/**
 * An API answers JSON and files, never pages: nothing it serves may load, frame or submit anything.
 * (A chat file that is really HTML therefore cannot run in the gateway's origin.)
 */
const API_CSP = { 'default-src': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"] }

/**
 * Swagger UI at /docs loads its own scripts, styles and images from /docs/static, draws data: images,
 * and injects one <style> element of its own (inline styles cannot run code; scripts stay 'self' only).
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data: validator.swagger.io",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ')

/** Fastify's constructor options that come from the configuration. */
export function serverOptions(
  config: Config,
): Pick<FastifyServerOptions, 'trustProxy' | 'requestTimeout' | 'keepAliveTimeout' | 'ajv'> & { http: ServerOptions } {
  const headersTimeout = config.HEADERS_TIMEOUT_SECONDS * 1000
  return {
    // The rate limits and logs key on request.ip: behind a load balancer, the client it names.
    trustProxy: trustProxy(config.TRUST_PROXY) as FastifyServerOptions['trustProxy'],
    requestTimeout: config.REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    // Node checks both timeouts every connectionsCheckingInterval (30 s by default): check often enough to honour them.
    http: { headersTimeout, connectionsCheckingInterval: Math.max(250, Math.min(5000, headersTimeout / 2)) },
    ajv: { customOptions: { formats: { [DISPLAY_NAME_FORMAT]: isDisplayName } } },
  }
}

/** Security headers on every answer (the docs get their own CSP from swagger-ui's `staticCSP`), and CORS. */
export async function securityPlugins(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // Avatars and chat files are shown by web apps of other origins (<img src>): a same-origin policy would blank them.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
  })
  // Tokens travel in headers, never cookies: every origin may call.
  await app.register(cors, { origin: '*', methods: METHODS, allowedHeaders: REQUEST_HEADERS, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 })
}
