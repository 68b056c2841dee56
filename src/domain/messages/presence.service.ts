// Who is online: counts of live WebSocket connections per process, believed while the process's heartbeat is fresh.
import { randomUUID } from 'node:crypto'
import type { DomainContext } from '../context.ts'
import { addConnection, forgetProcesses, heartbeat, isOnline } from './presence.repository.ts'

export class PresenceService {
  /** This process: its connections vanish with it (close), or when its heartbeat stops (crash). */
  readonly processId = randomUUID()

  constructor(private readonly ctx: DomainContext) {}

  async heartbeat(): Promise<void> {
    await heartbeat(this.ctx.db, this.processId)
    await forgetProcesses(this.ctx.db, null)
  }

  async connected(userId: number): Promise<void> {
    await heartbeat(this.ctx.db, this.processId)
    await addConnection(this.ctx.db, this.processId, userId, 1)
  }

  async disconnected(userId: number): Promise<void> {
    await addConnection(this.ctx.db, this.processId, userId, -1)
  }

  async isOnline(userId: number): Promise<boolean> {
    return isOnline(this.ctx.db, userId)
  }

  async close(): Promise<void> {
    await forgetProcesses(this.ctx.db, this.processId)
  }
}
