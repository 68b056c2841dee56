// buildApp(config): platform, domain services, shared HTTP plugins, then each surface with its own envelope.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify'
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import type { Config } from './config.ts'
import { openPlatform, type PlatformOverrides } from './platform/platform.ts'
import { loggerOptions } from './platform/log.ts'
import { createSmsSender, type SmsSender } from './platform/sms.ts'
import { createMetrics } from './platform/metrics.ts'
import { createServices } from './domain/services.ts'
import { createPushProviders, type PushProviders } from './platform/push/providers.ts'
import { secretBoxFromConfig } from './platform/push/secret-box.ts'
import { pushDirectory } from './domain/push/push-directory.ts'
import { PushWorker } from './domain/push/worker.ts'
import type { FriendDirectory, GroupDirectory } from './domain/messages/messages.types.ts'
import { DomainError } from './domain/errors.ts'
import { NO_METRICS } from './domain/metrics.ts'
import './surfaces/shared/request-context.ts'
import { opsRoutes } from './surfaces/ops/ops.routes.ts'
import { metricsRoutes } from './surfaces/ops/metrics.routes.ts'
import { countRequests, type Surface } from './surfaces/shared/request-metrics.ts'
import { storedFileRoutes } from './surfaces/files/stored-files.routes.ts'
import { documentedFileRoutes } from './surfaces/files/documented-files.routes.ts'
import { restSurface } from './surfaces/rest/index.ts'
import { sendRestError } from './surfaces/rest/envelope.ts'
import { legacySurface } from './surfaces/legacy/index.ts'
import { sendLegacyError } from './surfaces/legacy/envelope.ts'
import { LEGACY_URL } from './surfaces/legacy/struts.ts'
import { facadeSurface } from './surfaces/imfacade/index.ts'
import { sendFacadeError } from './surfaces/imfacade/envelope.ts'
import { FACADE_URL } from './surfaces/imfacade/im.routes.ts'
import { realtimeSurface, WS_PATH } from './surfaces/realtime/index.ts'
import { xsyncSurface } from './surfaces/xsync/index.ts'
import { DOCS_CSP, securityPlugins, serverOptions } from './surfaces/shared/hardening.ts'
import { textGuard } from './surfaces/shared/text-guard.ts'
import { lazySchemas } from './surfaces/shared/lazy-schemas.ts'

export interface AppOverrides extends PlatformOverrides {
  /** Clock in epoch ms. */
  now?: () => number
  /** Told the admin token generated at first start, once; the server prints it. */
  onGeneratedAdminToken?: (token: string) => void
  /** Sends verification codes instead of the SMS_PROVIDER one. */
  sms?: SmsSender
  /** Where log lines go instead of stdout. */
  logStream?: NodeJS.WritableStream
  /** What messaging asks of groups (membership, bans, delivery) instead of the built-in answer. */
  groupDirectory?: GroupDirectory
  /** Whether one user may message another instead of the built-in answer. */
  friendDirectory?: FriendDirectory
  /** The push provider clients (tests: ones that trust a local APNs) instead of those built from the PUSH_* settings. */
  pushProviders?: PushProviders
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const schemas = lazySchemas()
  const app = Fastify({
    schemaController: schemas.schemaController,
    logger: loggerOptions(config.LOG_LEVEL, overrides.logStream),
    routerOptions: { ignoreTrailingSlash: true },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    ...serverOptions(config),
    frameworkErrors: sendFrameworkError,
  })
  // The platform logs through the app's logger: connections lost and restored are operations news.
  const platform = await openPlatform(config, overrides, app.log)
  app.addHook('onClose', () => platform.close())
  try {
    // Kept only when they can be read: without METRICS_TOKEN nothing is counted at all.
    const metrics = config.METRICS_TOKEN ? createMetrics(platform.database) : null
    // Before any route is declared, so every route gets its recorder.
    if (metrics) countRequests(app, metrics, { route: surfaceOfRoute, url: surfaceOfUrl })
    const now = overrides.now ?? Date.now
    const pushSecrets = secretBoxFromConfig(config)
    const services = createServices(
      {
        db: platform.database.db,
        bus: platform.bus,
        kv: platform.kv,
        files: platform.files,
        sms: overrides.sms ?? createSmsSender(config, app.log),
        pushSecrets,
        now,
        metrics: metrics ?? NO_METRICS,
        settings: {
          defaultAppId: config.DEFAULT_APP_ID,
          tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
          publicUrl: config.PUBLIC_URL,
          loginThrottle: {
            freeFailures: config.LOGIN_THROTTLE_FREE_FAILURES,
            baseDelaySeconds: config.LOGIN_THROTTLE_BASE_DELAY_SECONDS,
            maxDelaySeconds: config.LOGIN_THROTTLE_MAX_DELAY_SECONDS,
          },
          // The embedded database runs one statement at a time anyway. On a pool, two batches overlap one's commit with
          // the next one's work and leave connections to everything else (1 in flight measured worst; 2, 4, 8 alike).
          sendBatchesInFlight: platform.database.kind === 'pglite' ? 1 : 2,
        },
      },
      { groups: overrides.groupDirectory, friends: overrides.friendDirectory },
    )
    const { generatedAdminToken } = await services.apps.ensureDefaultApp(config.ADMIN_TOKEN)
    if (generatedAdminToken) overrides.onGeneratedAdminToken?.(generatedAdminToken)
    if (config.RETENTION_INTERVAL_SECONDS > 0) {
      const stop = services.retention.schedule(config.RETENTION_INTERVAL_SECONDS * 1000, (error, purged) => {
        if (error) app.log.warn({ err: error }, 'retention round failed; the next one will try again')
        else app.log.debug({ purged }, 'retention round')
      })
      app.addHook('onClose', async () => stop())
    }

    // Without PUSH_SECRET_KEY no credentials can be read, so no message records push work: no worker either.
    if (config.PUSH_WORKER_INTERVAL_MS > 0 && config.PUSH_SECRET_KEY !== undefined) {
      const providers = overrides.pushProviders ?? createPushProviders(config, { now })
      const worker = new PushWorker(
        { db: platform.database.db, bus: platform.bus, now },
        pushDirectory(services),
        providers,
        services.pushCredentials,
        {
          batchSize: config.PUSH_WORKER_BATCH,
          leaseSeconds: config.PUSH_WORKER_LEASE_SECONDS,
          retryBaseMs: config.PUSH_RETRY_BASE_MS,
          retryMaxMs: config.PUSH_RETRY_MAX_MS,
          maxAttempts: config.PUSH_MAX_ATTEMPTS,
          timeZone: config.PUSH_TIME_ZONE,
          ackWindowMs: config.PUSH_ACK_WINDOW_MS,
        },
        app.log,
      )
      worker.start(config.PUSH_WORKER_INTERVAL_MS)
      // Before the platform closes (hooks run in reverse): the batch in hand finishes, nothing stays leased.
      app.addHook('onClose', async () => {
        await worker.stop()
        if (!overrides.pushProviders) providers.close()
      })
    }

    app.decorate('services', services)
    app.decorate('config', config)
    app.decorateRequest('actor', null)
    app.decorateRequest('appId', '')
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id)
      // Answered before its body was read (a refused upload): the rest of the body is still on the
      // socket, and a keep-alive client's next request would wait behind it. Close the connection.
      if (!request.raw.complete) reply.header('connection', 'close')
    })

    await securityPlugins(app)
    if (config.RATE_LIMIT_PER_MINUTE > 0) {
      await app.register(rateLimit, {
        max: config.RATE_LIMIT_PER_MINUTE,
        timeWindow: 60_000,
        // Shared by every process when Redis is configured.
        ...(platform.redis ? { redis: platform.redis, nameSpace: `${config.REDIS_PREFIX}rate:` } : {}),
        // While Redis is away requests go unlimited rather than failing: the limit protects the service, it is not the service.
        skipOnError: true,
        allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
        // Thrown, so each surface's error handler answers in its own envelope.
        errorResponseBuilder: (_request, context) =>
          new DomainError('RATE_LIMITED', `rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`, {
            retryAfterSeconds: Math.ceil(context.ttl / 1000),
          }),
      })
    }
    // Before any route, so it can answer upgrade requests (client frames are small: 64 KiB at most).
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
    await app.register(formbody)
    await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 50 } })
    acceptEmptyJson(app)
    await app.register(swagger, {
      openapi: {
        info: { title: 'im-gateway', version: '0.1.0', description: 'MaxIM-style REST API, legacy project-group API and IM facade' },
        components: {
          securitySchemes: {
            accessToken: { type: 'apiKey', in: 'header', name: 'access-token' },
            legacyToken: { type: 'apiKey', in: 'header', name: 'accessToken' },
            facadeToken: { type: 'apiKey', in: 'header', name: 'Authorization' },
          },
        },
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP })

    app.setErrorHandler(sendRestError)
    app.setNotFoundHandler(sendNotFound)
    textGuard(app)
    opsRoutes(app, platform)
    if (metrics) metricsRoutes(app, metrics, config.METRICS_TOKEN!)
    storedFileRoutes(app, platform.files)
    documentedFileRoutes(app, platform.files)
    await app.register(restSurface)
    await app.register(legacySurface)
    await app.register(facadeSurface)
    await app.register(realtimeSurface(platform.bus, metrics ?? undefined))
    await app.register(xsyncSurface(platform.bus))
    // Once listening, the schemas no request has compiled yet are compiled between requests (an app only injected into compiles none).
    app.addHook('onListen', (done) => {
      void schemas.warm().then((failed) => {
        if (!failed) return
        for (const { route, error } of failed) app.log.error({ err: error, route }, 'a route schema does not compile')
        app.log.debug({ failed: failed.length }, 'route schemas compiled')
      })
      done()
    })
    app.addHook('onClose', async () => schemas.stop())
    await app.ready()
    return await app
  } catch (error) {
    await app.close()
    throw error
  }
}

/**
 * MaxIM clients POST query-parameter operations with an empty JSON body: that is `{}`, not an
 * error. (Fastify's own text/plain parser hands routes a string: see `value` in rest/route.ts.)
 */
function acceptEmptyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') done(null, {})
    // Fastify's default JSON parser is the callback kind: it answers through `done` and returns nothing.
    else void parseJson(request, body as string, done)
  })
}

/** An unknown route answers in the envelope of the surface its URL belongs to. */
function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendInSurface(new DomainError('ROUTE_NOT_FOUND', `no such operation: ${request.method} ${request.url.split('?')[0]}`), request, reply)
}

/** A URL the router cannot read (bad percent-encoding, an over-long path parameter) is a bad parameter, in its surface's envelope. */
function sendFrameworkError(error: { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const reason = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the URL is not valid percent-encoded UTF-8'
  sendInSurface(new DomainError('BAD_PARAMETER', reason), request, reply)
}

/** The surface label of a route's requests: told by its URL, or by the tag its surface gives it. */
function surfaceOfRoute(route: RouteOptions): Surface {
  if ((route as { websocket?: boolean }).websocket || route.url === WS_PATH) return 'ws'
  const tags = (route.schema as { tags?: string[] } | undefined)?.tags ?? []
  if (tags.includes('files')) return 'files'
  if (tags.includes('ops') || route.url.startsWith('/docs')) return 'ops'
  return surfaceOfUrl(route.url)
}

function surfaceOfUrl(url: string): Surface {
  if (LEGACY_URL.test(url)) return 'legacy'
  if (FACADE_URL.test(url)) return 'facade'
  return 'rest'
}

function sendInSurface(error: DomainError, request: FastifyRequest, reply: FastifyReply) {
  if (LEGACY_URL.test(request.url)) return sendLegacyError(error, request, reply)
  if (FACADE_URL.test(request.url)) return sendFacadeError(error, request, reply)
  return sendRestError(error, request, reply)
}
