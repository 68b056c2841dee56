// One xsync socket (socket.io or plain WebSocket): frames in, checked and dispatched in order; answers out.
import { Code, CodecError, Command, decode, encode, frameBytes, Ns, type Frame, type Meta, type Status } from './codec.ts'
import { provision, type LoggedIn } from './provision.ts'
import { unreadDL } from './unread.ts'
import { pull } from './sync-pull.ts'
import { upload } from './sync-upload.ts'
import type { HandlerDeps } from './deps.ts'

/** What a transport gives a session: bytes out, and a close (a WebSocket close code; socket.io just disconnects). */
export interface FrameSocket {
  send(bytes: Uint8Array): void
  close(code: number, reason: string): void
}

/** Where logged-in sessions are registered (delivery.ts). */
export interface SessionRegistry {
  add(session: Session): void
  remove(session: Session): void
}

export interface SessionDeps extends HandlerDeps {
  registry: SessionRegistry
}

const MUST_LOGIN = 'you must login first'
/** Work waiting on one socket; more is refused rather than piled up in memory. */
const MAX_QUEUED = 256

export class Session {
  login: LoggedIn | undefined
  closed = false
  private chain: Promise<void> = Promise.resolve()
  private queued = 0

  constructor(
    private readonly socket: FrameSocket,
    private readonly deps: SessionDeps,
  ) {}

  get userId(): number {
    return this.login?.actor.userId ?? 0
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.socket.send(bytes)
  }

  /** A user notice pushed unasked in the system conversation (protocol.md §10), then the close. */
  kick(noticeType: number, reason: string): void {
    if (this.closed) return
    const meta: Meta = {
      id: Date.now(),
      from: { uid: 0 },
      to: { uid: this.userId },
      timestamp: Date.now(),
      ns: Ns.USER_NOTICE,
      payload: encode('UserNotice', { type: noticeType, content: reason }),
    }
    this.push(0, [meta])
    this.close(1000, reason)
  }

  /** Metas sent unasked: SyncDL{OK, xid, metas, next_key 0} (the SDK handles it as a pull answer). */
  push(conversationUid: number, metas: Meta[]): void {
    this.send(frameBytes(Command.SYNC, 'SyncDL', { status: { code: Code.OK }, xid: { uid: conversationUid }, metas, is_eager_sync: true }))
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.socket.close(code, reason)
  }

  /** The transport closed. */
  ended(): void {
    this.closed = true
    if (this.login) this.deps.registry.remove(this)
  }

  /** One frame from the client; answered in order of arrival. */
  receive(bytes: Uint8Array): void {
    if (this.closed) return
    let frame: Frame
    try {
      frame = decode('Frame', bytes)
    } catch (error) {
      if (!(error instanceof CodecError)) throw error
      this.refuse(Command.SYNC, Code.PB_PARSER_ERROR, 'not an xsync Frame')
      return
    }
    const command = frame.command ?? 0
    if (command !== Command.UNREAD && command !== Command.SYNC && command !== Command.PROVISION) {
      this.refuse(Command.SYNC, Code.UNKNOWN_COMMAND, `command ${command} is not one a client sends`)
      return
    }
    if ((frame.compress_method ?? 0) !== 0 || (frame.encrypt_method ?? 0) !== 0) {
      this.refuse(command, Code.ENCRYPT_METHOD_UNSUPPORTED, 'frames are neither compressed nor encrypted here')
      return
    }
    if (!this.login && command !== Command.PROVISION) {
      this.refuse(command, Code.UNAUTHORIZED, MUST_LOGIN)
      return
    }
    if (this.queued >= MAX_QUEUED) {
      this.refuse(command, Code.RATE_LIMIT_EXCEEDED, `too many frames waiting (at most ${MAX_QUEUED})`)
      return
    }
    this.queued++
    this.chain = this.chain
      .then(() => (this.closed ? undefined : this.handle(command, frame.payload ?? new Uint8Array())))
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, userId: this.userId }, 'xsync frame failed')
        this.refuse(command, Code.FAIL, 'internal error')
      })
      .finally(() => {
        this.queued--
      })
  }

  private async handle(command: number, payload: Uint8Array): Promise<void> {
    if (command === Command.PROVISION) return this.provision(payload)
    const login = this.login!
    if (command === Command.UNREAD) {
      this.send(frameBytes(Command.UNREAD, 'UnreadDL', await unreadDL(this.deps.services, this.deps.system, login)))
      return
    }
    let request
    try {
      request = decode('SyncUL', payload)
    } catch (error) {
      if (!(error instanceof CodecError)) throw error
      return this.refuse(Command.SYNC, Code.PB_PARSER_ERROR, error.message)
    }
    const answer = request.meta ? await upload(this.deps, login, request.meta) : await pull(this.deps, login, request)
    if (answer) this.send(frameBytes(Command.SYNC, 'SyncDL', answer))
  }

  private async provision(payload: Uint8Array): Promise<void> {
    let request
    try {
      request = decode('Provision', payload)
    } catch (error) {
      if (!(error instanceof CodecError)) throw error
      return this.refuse(Command.PROVISION, Code.PB_PARSER_ERROR, error.message)
    }
    const result = await provision(this.deps.services, request)
    if ('status' in result) {
      if (result.internal) this.deps.log.error({ reason: result.status.reason }, 'xsync login failed')
      this.send(frameBytes(Command.PROVISION, 'Provision', { status: result.status }))
      return
    }
    if (this.login) this.deps.registry.remove(this)
    this.login = result
    this.deps.registry.add(this)
    this.send(frameBytes(Command.PROVISION, 'Provision', { status: { code: Code.OK }, xid: { uid: result.actor.userId, deviceSN: result.deviceSn } }))
  }

  /** A refusal in the answer the command expects; a SYNC one names conversation 0 (the SDK reads xid on every SyncDL). */
  private refuse(command: number, code: Code, reason: string): void {
    const status: Status = { code, reason }
    if (command === Command.PROVISION) this.send(frameBytes(Command.PROVISION, 'Provision', { status }))
    else if (command === Command.UNREAD) this.send(frameBytes(Command.UNREAD, 'UnreadDL', { status }))
    else this.send(frameBytes(Command.SYNC, 'SyncDL', { status, xid: { uid: 0 } }))
  }
}
