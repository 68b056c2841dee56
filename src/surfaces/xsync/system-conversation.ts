// Extension point: the system conversation xid{uid: 0}, where group, roster and user notices reach an xsync device.
import type { Services } from '../../domain/services.ts'
import type { Bus } from '../../platform/bus.ts'
import type { Meta } from './codec.ts'
import { noticeConversation } from './notice-metas.ts'

/** The logged-in device a pull or an UNREAD is for. */
export interface DeviceSession {
  readonly appId: string
  readonly userId: number
  /** devices.id: the key of any per-device cursor. */
  readonly deviceId: number
  readonly deviceSn: number
}

/** Rings this process's xsync sockets; given to the system conversation when the surface starts. */
export interface SystemRinger {
  /** Sends NOTICE xid{uid: 0} to every xsync socket of each user on this process (the SDK then pulls uid 0). */
  notice(appId: string, userIds: readonly number[]): void
  /**
   * Pushes metas of the system conversation unasked (SyncDL{OK, xid{0}, metas, next_key 0}) to the sockets of one
   * user on this process, all of them or only one device's; for a user notice that must arrive before a close.
   */
  push(appId: string, userId: number, metas: Meta[], deviceSn?: number): void
}

/**
 * What the xsync surface asks about conversation uid 0 (protocol.md §6, §9; mapping.md §6). The pull code
 * (sync-pull.ts) calls `pull` for a SyncUL naming uid 0, the UNREAD code (unread.ts) calls `unreadFor` and lists
 * uid 0 (type UNKNOWN) when it is above 0, and `start` runs once when the surface starts, to subscribe to the
 * notices' own doorbell and ring the sockets through `ringer` (returns how to unsubscribe).
 *
 * To plug the notice log in, make `systemConversation` below return an implementation backed by the domain;
 * nothing else in the surface changes.
 */
export interface SystemConversation {
  /** Metas after `key` (0: from the device's cursor), oldest first; `nextKey` 0 when that was all (the cursor then moves to the end). */
  pull(session: DeviceSession, key: number, limit: number): Promise<{ metas: Meta[]; nextKey: number }>
  /** How many metas wait for this device in uid 0. */
  unreadFor(session: DeviceSession): Promise<number>
  start?(ringer: SystemRinger): Promise<() => Promise<void>>
}

/** The default: an empty system conversation (no notice log yet). */
export const EMPTY_SYSTEM_CONVERSATION: SystemConversation = {
  pull: async () => ({ metas: [], nextKey: 0 }),
  unreadFor: async () => 0,
}

/** The system conversation the surface serves. */
export function systemConversation(services: Services, bus: Bus): SystemConversation {
  return noticeConversation(services, bus)
}
