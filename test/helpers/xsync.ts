// The project's own xsync client for tests: its .proto files with protobufjs, over socket.io-client 2 (as the web SDK) or ws (as uniapp).
import { join } from 'node:path'
import protobuf from 'protobufjs'
import io from 'socket.io-client'
import { WebSocket } from 'ws'

const PROTO_DIR = join(import.meta.dirname, '..', '..', 'src', 'surfaces', 'xsync', 'proto')
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => join(PROTO_DIR, target.replace(/^.*[\\/]/, ''))
root.loadSync(['xsync.proto', 'messagebody.proto', 'usernotice.proto', 'conversation.proto'], { keepCase: true })
const type = (name: string) => root.lookupType(`imgateway.xsync.${name}`)

export const enc = (name: string, value: Record<string, unknown>): Uint8Array => type(name).encode(type(name).fromObject(value)).finish()
export const dec = (name: string, bytes: Uint8Array): any => type(name).toObject(type(name).decode(bytes), { longs: Number, enums: String, defaults: false })

export const CMD = { UNREAD: 0, SYNC: 1, NOTICE: 2, PROVISION: 3 } as const
const PAYLOAD_OF: Record<number, string> = { 0: 'UnreadDL', 1: 'SyncDL', 2: 'XID', 3: 'Provision' }

/** A frame as received: its command's name and decoded payload. */
export interface Received {
  command: 'UNREAD' | 'SYNC' | 'NOTICE' | 'PROVISION'
  body: any
}

export interface XsyncClient {
  frames: Received[]
  /** Encodes a Frame the way the SDK does (vsn, compression and command written explicitly). */
  sendFrame(command: number, payloadType?: string, payload?: Record<string, unknown>, extra?: Record<string, unknown>): void
  sendRaw(bytes: Uint8Array): void
  /** The first frame not yet taken that matches; rejects after `timeoutMs` saying what came. */
  next(match: (frame: Received) => boolean, timeoutMs?: number): Promise<Received>
  closed: Promise<void>
  close(): void
}

function client(send: (bytes: Uint8Array) => void, closeIt: () => void): XsyncClient & { deliver(bytes: Uint8Array): void; ended(): void } {
  const frames: Received[] = []
  const waiters: Array<{ match: (f: Received) => boolean; resolve: (f: Received) => void }> = []
  let endedResolve: () => void = () => {}
  const closed = new Promise<void>((resolve) => (endedResolve = resolve))
  return {
    frames,
    closed,
    deliver(bytes) {
      const frame = dec('Frame', bytes)
      const commandNumber = CMD[frame.command as keyof typeof CMD] ?? 0
      const payload = frame.payload ? dec(PAYLOAD_OF[commandNumber]!, frame.payload) : {}
      const received: Received = { command: frame.command ?? 'UNREAD', body: payload }
      const waiter = waiters.findIndex((w) => w.match(received))
      if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(received)
      else frames.push(received)
    },
    ended: () => endedResolve(),
    sendFrame(command, payloadType, payload, extra = {}) {
      send(enc('Frame', { vsn: 0, compress_method: 0, command, ...(payloadType ? { payload: enc(payloadType, payload ?? {}) } : {}), ...extra }))
    },
    sendRaw: send,
    next(match, timeoutMs = 5000) {
      const found = frames.findIndex(match)
      if (found >= 0) return Promise.resolve(frames.splice(found, 1)[0]!)
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve }
        waiters.push(waiter)
        setTimeout(() => {
          const i = waiters.indexOf(waiter)
          if (i < 0) return
          waiters.splice(i, 1)
          reject(new Error(`no such frame within ${timeoutMs} ms; pending: ${JSON.stringify(frames)}`))
        }, timeoutMs).unref()
      })
    },
    close: closeIt,
  }
}

/** socket.io-client 2 (Engine.IO 3) with the web SDK's options. `baseUrl`: http://host:port. */
export async function connectSocketIo(baseUrl: string): Promise<XsyncClient> {
  const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 })
  const c = client(
    (bytes) => socket.emit('frame', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    () => socket.close(),
  )
  socket.on('frame', (data: ArrayBuffer | Buffer) => c.deliver(new Uint8Array(data)))
  socket.on('disconnect', () => c.ended())
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error: Error) => reject(error))
  })
  return c
}

/** A plain binary WebSocket on `/` (uniapp's fireplace for an http host). `baseUrl`: http://host:port. */
export async function connectWebSocket(baseUrl: string): Promise<XsyncClient & { closeCode: Promise<number> }> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/')
  ws.binaryType = 'nodebuffer'
  const c = client(
    (bytes) => ws.send(bytes),
    () => ws.close(),
  )
  ws.on('message', (data: Buffer) => c.deliver(new Uint8Array(data)))
  const closeCode = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      c.ended()
      resolve(code)
    }),
  )
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ...c, closeCode }
}

/** PROVISION as the SDK sends it; answers the Provision answer. */
export async function login(c: XsyncClient, uid: number, token: string, guid = `${uid}_${Math.floor(Math.random() * 2 ** 31)}`): Promise<any> {
  c.sendFrame(CMD.PROVISION, 'Provision', { xid: { uid, deviceSN: 1000000000 }, token, device_guid: guid, os_type: 6, sdk_vsn: '2.0.0', device_info: 'Web' })
  return (await c.next((f) => f.command === 'PROVISION')).body
}

/** Uploads a text (CHAT or GROUPCHAT) and answers the ack SyncDL. */
export async function sendText(
  c: XsyncClient,
  from: { uid: number; deviceSN: number },
  to: number,
  content: string,
  group = false,
  clientMid = Date.now(),
): Promise<any> {
  const payload = enc('MessageBody', { type: group ? 3 : 2, ctype: 0, content })
  c.sendFrame(CMD.SYNC, 'SyncUL', { meta: { id: clientMid, from, to: { uid: to }, ns: 1, payload } })
  return (await c.next((f) => f.command === 'SYNC' && f.body.client_mid === clientMid)).body
}

/** An operation (READ_ACK, RECALL, …) as the SDK uploads it; answers the ack. */
export async function sendOperation(
  c: XsyncClient,
  from: { uid: number; deviceSN: number },
  to: number,
  op: Record<string, unknown>,
  clientMid = Date.now(),
): Promise<any> {
  const payload = enc('MessageBody', { type: 1, ctype: 6, operation: op })
  c.sendFrame(CMD.SYNC, 'SyncUL', { meta: { id: clientMid, from, to: { uid: to }, ns: 1, payload } })
  return (await c.next((f) => f.command === 'SYNC' && f.body.client_mid === clientMid)).body
}

/** A pull (incremental, or history with `full`); answers the SyncDL with its metas' bodies decoded. */
export async function pull(c: XsyncClient, uid: number, key = 0, full?: number): Promise<any> {
  c.sendFrame(CMD.SYNC, 'SyncUL', { xid: { uid }, key, ...(full ? { is_full_sync: true, full_sync_num: full } : {}) })
  const answer = (await c.next((f) => f.command === 'SYNC' && !f.body.client_mid && (f.body.xid?.uid ?? 0) === uid && !f.body.is_eager_sync)).body
  return {
    ...answer,
    bodies: (answer.metas ?? []).map((m: any) =>
      m.ns === 'MESSAGE' ? dec('MessageBody', m.payload) : m.ns === 'USER_NOTICE' ? dec('UserNotice', m.payload) : {},
    ),
  }
}

export async function unread(c: XsyncClient): Promise<any> {
  c.sendFrame(CMD.UNREAD)
  return (await c.next((f) => f.command === 'UNREAD')).body
}

/** Opens xsync clients on `base` by either transport (`io`: socket.io, `ws`: plain WebSocket), all closed when the test ends. */
export function xsyncOpener(t: { teardown(fn: () => unknown): void }, base: string): (how: 'io' | 'ws') => Promise<XsyncClient> {
  const clients: XsyncClient[] = []
  t.teardown(() => clients.forEach((c) => c.close()))
  return async (how) => {
    const c = how === 'io' ? await connectSocketIo(base) : await connectWebSocket(base)
    clients.push(c)
    return c
  }
}
