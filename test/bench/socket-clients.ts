// A child process holding many WebSocket clients for the bench, so the server's process holds only its own side of each socket.
import { WebSocket } from 'ws'
import { CMD, dec, enc } from '../helpers/xsync.ts'

/** What the parent asks (over the IPC channel of `fork`). */
export type ClientCommand =
  | { cmd: 'open'; url: string; headers: Array<Record<string, string>>; untilFirstFrame: boolean }
  /** Plain xsync sockets (the web SDK's), each logged in with PROVISION before counting starts. */
  | { cmd: 'openXsync'; url: string; logins: Array<{ uid: number; token: string }> }
  | { cmd: 'arm'; frames: number }
  | { cmd: 'wait' }
  | { cmd: 'close' }

/** What the child answers: one answer per command, in order. */
export type ClientAnswer = { ok: true; opened?: number } | { ok: false; error: string }

const sockets: WebSocket[] = []
let remaining = 0
let arrivedAll: (() => void) | undefined
let arrived: Promise<void> = Promise.resolve()

/** Counts the socket's frames from now on. */
function count(ws: WebSocket): WebSocket {
  ws.on('message', () => {
    if (remaining > 0 && --remaining === 0) arrivedAll?.()
  })
  return ws
}

function openOne(url: string, headers: Record<string, string>, untilFirstFrame: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    // The first frame may come with the handshake (`ready`): resolve then, before counting starts.
    ws.once(untilFirstFrame ? 'message' : 'open', () => resolve(count(ws)))
    ws.once('error', reject)
  })
}

function openXsync(url: string, login: { uid: number; token: string }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('error', reject)
    ws.once('open', () =>
      ws.send(
        enc('Frame', {
          command: CMD.PROVISION,
          payload: enc('Provision', { xid: { uid: login.uid }, token: login.token, device_guid: `${login.uid}_bench`, os_type: 6 }),
        }),
      ),
    )
    // The PROVISION answer is the first frame: counting starts after it.
    ws.once('message', (data: Buffer) => {
      const provision = dec('Provision', dec('Frame', data).payload)
      if (provision.status?.code === 'OK') resolve(count(ws))
      else reject(new Error(`xsync login failed: ${JSON.stringify(provision.status)}`))
    })
  })
}

/** Fifty handshakes at a time: thousands at once would measure the accept queue. */
async function openAll(openers: Array<() => Promise<WebSocket>>): Promise<ClientAnswer> {
  for (let i = 0; i < openers.length; i += 50) sockets.push(...(await Promise.all(openers.slice(i, i + 50).map((open) => open()))))
  return { ok: true, opened: sockets.length }
}

async function run(command: ClientCommand): Promise<ClientAnswer> {
  switch (command.cmd) {
    case 'open':
      return openAll(command.headers.map((headers) => () => openOne(command.url, headers, command.untilFirstFrame)))
    case 'openXsync':
      return openAll(command.logins.map((login) => () => openXsync(command.url, login)))
    case 'arm': {
      // Armed before the parent sends: no frame of the round can arrive uncounted.
      const expected = command.frames
      arrived = new Promise<void>((resolve, reject) => {
        remaining = expected
        const timer = setTimeout(() => reject(new Error(`only ${expected - remaining} of ${expected} frames arrived within 20 s`)), 20_000)
        arrivedAll = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      // Handled when waited for; a round abandoned early must not crash the child.
      arrived.catch(() => {})
      return { ok: true }
    }
    case 'wait':
      await arrived
      return { ok: true }
    case 'close':
      for (const ws of sockets.splice(0)) ws.terminate()
      setImmediate(() => process.exit(0))
      return { ok: true }
  }
}

process.on('message', (command: ClientCommand) => {
  run(command).then(
    (answer) => process.send!(answer),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  )
})
