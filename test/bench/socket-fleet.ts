// The parent's handle on socket-clients.ts: thousands of WebSocket clients in a child process, driven over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BareAnswer, BareCommand } from './bare-ws.ts'
import type { ClientAnswer, ClientCommand } from './socket-clients.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const CLIENTS = join(HERE, 'socket-clients.ts')
const BARE_WS = join(HERE, 'bare-ws.ts')

export interface SocketFleet {
  /** Opens one socket per header set (each waits for its first frame when `untilFirstFrame`); resolves with the number open. */
  open(url: string, headers: Array<Record<string, string>>, untilFirstFrame?: boolean): Promise<number>
  /** Opens one plain xsync socket per login, each logged in (PROVISION answered); resolves with the number open. */
  openXsync(url: string, logins: Array<{ uid: number; token: string }>): Promise<number>
  /** Counts the next `frames` frames over all sockets; resolves when counting has started. */
  arm(frames: number): Promise<void>
  /** Resolves when the armed count has arrived (rejects after 20 s). */
  wait(): Promise<void>
  close(): Promise<void>
}

export function socketFleet(): SocketFleet {
  const child: ChildProcess = fork(CLIENTS, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  // Commands run one at a time, so answers come back in the order asked.
  const waiting: Array<{ resolve(answer: ClientAnswer): void; reject(error: Error): void }> = []
  child.on('message', (answer: ClientAnswer) => waiting.shift()?.resolve(answer))
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the socket client process exited (${code})`))
  })
  const ask = (command: ClientCommand) =>
    new Promise<ClientAnswer>((resolve, reject) => {
      waiting.push({ resolve, reject })
      child.send(command)
    }).then((answer) => {
      if (!answer.ok) throw new Error(answer.error)
      return answer
    })
  return {
    open: async (url, headers, untilFirstFrame = true) => (await ask({ cmd: 'open', url, headers, untilFirstFrame })).opened ?? 0,
    openXsync: async (url, logins) => (await ask({ cmd: 'openXsync', url, logins })).opened ?? 0,
    arm: async (frames) => void (await ask({ cmd: 'arm', frames })),
    wait: async () => void (await ask({ cmd: 'wait' })),
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await ask({ cmd: 'close' }).catch(() => {})
      await exited
    },
  }
}

export interface BareBroadcaster {
  /** ws://127.0.0.1:port of the bare server. */
  url: string
  /** Resolves once the frame is queued on every client of the bare server. */
  broadcast(frame: string | Uint8Array): Promise<void>
  close(): Promise<void>
}

/**
 * A bare `ws` server in a child process (bare-ws.ts). In the bench's own process, its 10,000 sockets and the
 * app's 10,000 would pass the open-file limit (20,000 here): accept() then fails and the handshakes are reset.
 */
export async function bareBroadcaster(): Promise<BareBroadcaster> {
  const child = fork(BARE_WS, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const next = () =>
    Promise.race([
      new Promise<BareAnswer>((resolve) => child.once('message', resolve)),
      exited.then((code) => Promise.reject(new Error(`the bare ws process exited (${code})`))),
    ])
  const first = await next()
  if (!('port' in first)) throw new Error('the bare ws process did not say its port')
  const ask = (command: BareCommand) => {
    const answer = next()
    child.send(command)
    return answer
  }
  return {
    url: `ws://127.0.0.1:${first.port}`,
    broadcast: async (frame) => void (await ask({ cmd: 'broadcast', frame })),
    async close() {
      if (child.exitCode !== null) return
      child.send({ cmd: 'close' } satisfies BareCommand)
      await exited
    },
  }
}
