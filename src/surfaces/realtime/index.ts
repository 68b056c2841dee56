// The real-time surface: GET /ws, a WebSocket per device, authenticated by any of the project's tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, type ErrorKey } from '../../domain/errors.ts'
import type { Bus } from '../../platform/bus.ts'
import { codedErrorBody, JSON_UTF8, noteError, toDomainError } from '../shared/errors.ts'
import { header } from '../shared/request-context.ts'
import { isFields } from '../shared/form-fields.ts'
import { Connection } from './connection.ts'
import { frameText } from './frames.ts'
import { Hub, type RealtimeMetrics } from './hub.ts'
import { SyncBudgets } from './limits.ts'

export const WS_PATH = '/ws'
/** setTimeout's limit; a later expiry is checked again when this runs out. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** access-token, Authorization: Bearer/Token, or ?token= (browsers cannot set headers on a WebSocket). */
function socketToken(request: FastifyRequest): string | undefined {
  const direct = header(request.headers, 'access-token')
  if (direct) return direct.trim()
  const authorization = header(request.headers, 'authorization')?.match(/^(?:Bearer|Token)\s+(\S+)\s*$/i)?.[1]
  if (authorization) return authorization
  const query = isFields(request.query) ? request.query : {}
  return typeof query.token === 'string' && query.token !== '' ? query.token : undefined
}

async function authenticate(request: FastifyRequest): Promise<void> {
  const token = socketToken(request)
  if (!token) throw new DomainError('TOKEN_MISSING', 'send the token as access-token, Authorization: Bearer <token>, or ?token=')
  const actor = await request.server.services.accounts.authenticate(token)
  const appHeader = header(request.headers, 'app_id')
  if (appHeader !== undefined && appHeader !== actor.appId)
    throw new DomainError('TOKEN_INVALID', `the token does not belong to app ${JSON.stringify(appHeader)}`)
  if (actor.userId === null) throw new DomainError('NO_PERMISSION', 'a socket belongs to a user: use a user token')
  request.actor = actor
  request.appId = actor.appId
}

/**
 * The HTTP status of a refused handshake, per error code: 401 for authentication, 403 for a token that is not a
 * user's, 429, 500, 503 as REST; 400 for anything else the client sent. A new code must be placed here to compile.
 */
const HANDSHAKE_STATUS = {
  TOKEN_INVALID: 401,
  USER_NOT_FOUND: 400,
  BAD_VERIFICATION_CODE: 400,
  BAD_PARAMETER: 400,
  TOKEN_MISSING: 401,
  USER_EXISTS: 400,
  ALREADY_FRIEND: 400,
  IN_BLACKLIST: 400,
  FRIEND_APPLICATION_NOT_FOUND: 400,
  TOKEN_FORMAT: 401,
  FILE_STORAGE: 400,
  NO_PERMISSION: 403,
  ALREADY_BOUND: 400,
  FRIEND_APPLICATION_DECLINED: 400,
  WRONG_CREDENTIALS: 400,
  USER_DISABLED: 401,
  ACCOUNT_DELETED: 401,
  WRONG_PASSWORD: 400,
  BAD_CAPTCHA: 400,
  RATE_LIMITED: 429,
  ROUTE_NOT_FOUND: 400,
  PAYLOAD_TOO_LARGE: 400,
  BAD_FILE_TYPE: 400,
  SMS_UNAVAILABLE: 400,
  NOT_FRIEND: 400,
  PUSH_NOT_CONFIGURED: 400,
  INTERNAL: 500,
  GROUP_NOT_FOUND: 400,
  NOT_GROUP_MEMBER: 400,
  BAD_MSG_PUSH_MODE: 400,
  OWNER_CANNOT_LEAVE: 400,
  TRANSFER_TARGET_NOT_MEMBER: 400,
  QUOTA_GROUPS_PER_APP: 400,
  QUOTA_GROUPS_CREATED: 400,
  QUOTA_GROUPS_JOINED: 400,
  QUOTA_GROUP_MEMBERS: 400,
  NEED_MEMBER: 400,
  NEED_ADMIN: 400,
  NEED_OWNER: 400,
  APPLICATION_HANDLED: 400,
  INVITATION_HANDLED: 400,
  ALREADY_MEMBER: 400,
  IN_GROUP_BLACKLIST: 400,
  ANNOUNCEMENT_NOT_FOUND: 400,
  SHARED_FILE_NOT_FOUND: 400,
  SHARED_FILE_FORBIDDEN: 400,
  QR_INVALID: 400,
  QR_EXPIRED: 400,
  ADMIN_CANNOT_LEAVE: 400,
  FACE_CODE_MISMATCH: 400,
  SERVICE_UNAVAILABLE: 503,
  APP_NOT_FOUND: 400,
  NOT_SUPPORTED: 400,
} as const satisfies Record<ErrorKey, 400 | 401 | 403 | 429 | 500 | 503>

/** A refused handshake: an HTTP status the WebSocket client reports, and the REST envelope as the body. */
function sendHandshakeError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { error: domainError, internal } = toDomainError(error)
  const status = HANDSHAKE_STATUS[domainError.key]
  noteError(domainError, error, internal, request, reply)
  return reply.status(status).type(JSON_UTF8).serializer(JSON.stringify).send(codedErrorBody(domainError))
}

/** `metrics`: the process's, when they are on. */
export function realtimeSurface(bus: Bus, metrics?: RealtimeMetrics) {
  return async function realtime(app: FastifyInstance): Promise<void> {
    const hub = new Hub(app.services, bus, app.log, metrics)
    const { WS_FRAMES_PER_SECOND, WS_MAX_BUFFERED_BYTES, WS_SYNC_CONCURRENCY_PER_USER } = app.config
    const syncBudgets = new SyncBudgets(WS_SYNC_CONCURRENCY_PER_USER)
    await hub.start()
    app.addHook('onClose', () => hub.close())
    app.setErrorHandler(sendHandshakeError)

    /** GET /ws */
    app.get(
      WS_PATH,
      {
        websocket: true,
        schema: { summary: 'WebSocket：实时消息（帧格式见 README）', tags: ['realtime'] },
        preValidation: authenticate,
      },
      (socket, request) => {
        const actor = request.actor!
        const connection = new Connection(socket, { ...actor, userId: actor.userId! }, app.services, (mark) => hub.markDelivered(mark), request.log, {
          framesPerSecond: WS_FRAMES_PER_SECOND,
          maxBufferedBytes: WS_MAX_BUFFERED_BYTES,
          syncBudgets,
        })
        // Handlers first, then anything asynchronous: no frame is dropped meanwhile.
        socket.on('message', (data) => connection.receive(frameText(data)))
        socket.on('pong', (data) => connection.pong(data))
        let expiry: NodeJS.Timeout | undefined
        const registered = hub.add(connection)
        socket.on('close', () => {
          connection.closed = true
          clearTimeout(expiry)
          hub.remove(connection, registered).catch((error) => request.log.warn({ err: error }, 'presence update failed'))
        })
        socket.on('error', (error) => request.log.debug({ err: error }, 'websocket error'))
        const watchExpiry = () => {
          if (actor.expiresAt === null) return
          const left = actor.expiresAt - Date.now()
          if (left <= 0) return hub.kick(connection, 'the token expired')
          expiry = setTimeout(watchExpiry, Math.min(left, MAX_TIMER_MS))
          expiry.unref()
        }
        watchExpiry()
        registered.then(
          () => connection.send(JSON.stringify({ type: 'ready', user_id: actor.userId })),
          (error) => {
            request.log.error({ err: error }, 'could not register the socket')
            connection.close(1011, 'internal error')
          },
        )
      },
    )
  }
}
