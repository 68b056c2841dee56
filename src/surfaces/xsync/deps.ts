// What the xsync use-case handlers (pulls, uploads) are given: the domain, the system conversation, the relay and a logger.
import type { FastifyBaseLogger } from 'fastify'
import type { Services } from '../../domain/services.ts'
import type { Meta } from './codec.ts'
import type { SystemConversation } from './system-conversation.ts'

/** Metas relayed to online sockets only (nothing stored): typing, and operations other devices apply. */
export interface Relay {
  /** Sends SyncDL{OK, xid{xidUid}, [meta]} to the sockets of `userIds` in the app (all processes), except one device. */
  relay(appId: string, userIds: number[], xidUid: number, meta: Meta, except?: { userId: number; deviceSn: number }): void
}

export interface HandlerDeps {
  services: Services
  system: SystemConversation
  relay: Relay
  log: FastifyBaseLogger
}
