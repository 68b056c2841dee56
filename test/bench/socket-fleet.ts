// The parent's handle on socket-clients.ts: thousands of WebSocket clients in a child process, driven over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ClientAnswer, ClientCommand } from './socket-clients.ts'

const CLIENTS = join(dirname(fileURLToPath(import.meta.url)), 'socket-clients.ts')

export interface SocketFleet {
  /** Opens one socket per header set (each waits for its first frame when `untilFirstFrame`); resolves with the number open. */
  open(url: string, headers: Array<Record<string, string>>, untilFirstFrame?: boolean): Promise<number>
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
