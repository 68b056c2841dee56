// Who is online: counts of live WebSocket connections per process, believed while the process's heartbeat is fresh.
import { randomUUID } from 'node:crypto'
import type { DomainContext } from '../context.ts'
import { addConnection, forgetProcesses, heartbeat, isOnline, liveSockets, restoreConnections } from './presence.repository.ts'

export class PresenceService {
  /** This process: its connections vanish with it (close), or when its heartbeat stops (crash). */
  readonly processId = randomUUID()
  private beating = false
  /** A connection found the process forgotten: the next heartbeat records every socket again. */
  private forgotten = false

  constructor(private readonly ctx: DomainContext) {}

  /**
   * Renews this process's heartbeat. `liveCounts` gives its sockets per user: when the others forgot
   * this process (no heartbeat for a minute, as in a long database outage), its connections are
   * recorded again so online_status is right without reconnecting anyone.
   */
  async heartbeat(liveCounts?: () => Map<number, number>): Promise<void> {
    if ((await heartbeat(this.ctx.db, this.processId)) && this.beating) this.forgotten = true
    if (this.forgotten && liveCounts) {
      await restoreConnections(this.ctx.db, this.processId, liveCounts())
      this.forgotten = false
    }
    this.beating = true
    await forgetProcesses(this.ctx.db, null)
  }

  async connected(userId: number): Promise<void> {
    if ((await heartbeat(this.ctx.db, this.processId)) && this.beating) this.forgotten = true
    await addConnection(this.ctx.db, this.processId, userId, 1)
  }

  async disconnected(userId: number): Promise<void> {
    await addConnection(this.ctx.db, this.processId, userId, -1)
  }

  async isOnline(userId: number): Promise<boolean> {
    return isOnline(this.ctx.db, userId)
  }

  /** Live sockets per user of the app (of those listed, or of all): the users without one are absent. */
  liveSockets(appId: string, userIds: number[] | 'all'): Promise<Map<number, number>> {
    return liveSockets(this.ctx.db, appId, userIds)
  }

  async close(): Promise<void> {
    await forgetProcesses(this.ctx.db, this.processId)
  }
}
