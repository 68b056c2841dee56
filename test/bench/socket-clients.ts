// A child process holding many WebSocket clients for the bench, so the server's process holds only its own side of each socket.
import { WebSocket } from 'ws'

/** What the parent asks (over the IPC channel of `fork`). */
export type ClientCommand =
  | { cmd: 'open'; url: string; headers: Array<Record<string, string>>; untilFirstFrame: boolean }
  | { cmd: 'arm'; frames: number }
  | { cmd: 'wait' }
  | { cmd: 'close' }

/** What the child answers: one answer per command, in order. */
export type ClientAnswer = { ok: true; opened?: number } | { ok: false; error: string }

const sockets: WebSocket[] = []
let remaining = 0
let arrivedAll: (() => void) | undefined
let arrived: Promise<void> = Promise.resolve()

function openOne(url: string, headers: Record<string, string>, untilFirstFrame: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    // The first frame may come with the handshake (`ready`): resolve then, before counting starts.
    ws.once(untilFirstFrame ? 'message' : 'open', () => {
      ws.on('message', () => {
        if (remaining > 0 && --remaining === 0) arrivedAll?.()
      })
      resolve(ws)
    })
    ws.once('error', reject)
  })
}

async function run(command: ClientCommand): Promise<ClientAnswer> {
  switch (command.cmd) {
    case 'open': {
      // Fifty handshakes at a time: thousands at once would measure the accept queue.
      for (let i = 0; i < command.headers.length; i += 50) {
        const batch = command.headers.slice(i, i + 50)
        sockets.push(...(await Promise.all(batch.map((h) => openOne(command.url, h, command.untilFirstFrame)))))
      }
      return { ok: true, opened: sockets.length }
    }
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
