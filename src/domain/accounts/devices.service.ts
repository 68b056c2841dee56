// Devices of a user: the list, removal, kicking (revoking their tokens) and vendor push tokens.
import { randomBytes } from 'node:crypto'
import { DomainError } from '../errors.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { bindTokenDevice } from './tokens.repository.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { AccountsService } from './accounts.service.ts'
import { INT4_MAX, pageOf, parseCursor } from '../paging.ts'
import {
  deleteDevice,
  deviceListVersion,
  devicePage,
  devicesOfAudience,
  usersOfAudience,
  devicesWithVendorToken,
  deviceSnOf,
  dropVendorToken,
  findDevice,
  setVendorToken,
  upsertDevice,
  type PushAudience,
} from './devices.repository.ts'

export interface Device {
  deviceSn: number
  platform: number
  userAgent: string
  userId: number
}

/** A device with a vendor push token. */
export interface PushTargetDevice {
  deviceId: number
  platform: number
  deviceToken: string
  notifierName: string
}

export type { PushAudience }

export class DevicesService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Pages by device_sn (`cursor`: the last device_sn of the previous page). `version` is a 31-bit digest
   * of the list (each device's sn, platform and user agent): it changes whenever the list does, and —
   * unlike a sum — cannot overflow however many devices a user has.
   */
  async list(userId: number, cursor: string | undefined, limit: number): Promise<{ devices: Device[]; next?: number; version: number }> {
    const after = parseCursor(cursor, INT4_MAX) ?? 0
    const rows = await devicePage(this.ctx.db, userId, after, limit)
    const version = await deviceListVersion(this.ctx.db, userId)
    const page = pageOf(rows, limit, (r) => r.device_sn)
    return {
      devices: page.items.map((r) => ({ deviceSn: r.device_sn, platform: r.platform, userAgent: r.user_agent, userId: r.user_id })),
      next: page.cursor === undefined ? undefined : Number(page.cursor),
      version,
    }
  }

  /** Forgets the device and revokes its tokens. */
  async remove(userId: number, deviceSn: number): Promise<void> {
    const device = await this.find(userId, deviceSn)
    const revoked = await this.accounts.revokeIn(this.ctx.db, { deviceId: device.id })
    await deleteDevice(this.ctx.db, device.id)
    await this.accounts.announceRevoked(revoked)
  }

  /**
   * Signs a device out (its tokens are revoked, the device stays listed); without a device_sn,
   * every session of the user except the one making the call (its token and the tokens derived from it).
   */
  async kick(actor: Actor & { userId: number }, deviceSn: number | undefined): Promise<void> {
    const which =
      deviceSn !== undefined
        ? { userId: actor.userId, deviceId: (await this.find(actor.userId, deviceSn)).id }
        : { userId: actor.userId, exceptSession: actor.sessionTokenId }
    await this.accounts.revokeNow(which)
  }

  /**
   * A socket login (xsync PROVISION) names its device by guid: the user's device with that guid (a new one gets the
   * next device_sn), recorded on the session's tokens that have none, so that removing or kicking the device over
   * REST revokes them. A token issued for a device keeps that device whatever guid the socket names.
   */
  async attach(actor: Actor & { userId: number }, guid: string, platform: number, userAgent: string): Promise<{ deviceId: number; deviceSn: number }> {
    if (guid === '' || guid.length > 128) throw new DomainError('BAD_PARAMETER', 'device_guid must be 1-128 characters')
    if (actor.deviceId !== null) {
      const sn = await deviceSnOf(this.ctx.db, actor.deviceId)
      if (sn > 0) return { deviceId: actor.deviceId, deviceSn: sn }
    }
    return inTransaction(this.ctx.db, async (trx) => {
      const row = await upsertDevice(trx, {
        userId: actor.userId,
        guid,
        platform,
        userAgent: userAgent.slice(0, 256),
        pushToken: randomBytes(16).toString('hex'),
      })
      await bindTokenDevice(trx, actor.sessionTokenId, row.id)
      return { deviceId: row.id, deviceSn: row.device_sn }
    })
  }

  async bindDeviceToken(userId: number, deviceSn: number, deviceToken: string, notifierName: string): Promise<void> {
    if (deviceToken.length < 1 || deviceToken.length > 512) throw new DomainError('BAD_PARAMETER', 'device_token must be 1-512 characters')
    if (notifierName.length > 128) throw new DomainError('BAD_PARAMETER', 'notifier_name must be at most 128 characters')
    const device = await this.find(userId, deviceSn)
    await setVendorToken(this.ctx.db, device.id, deviceToken, notifierName)
  }

  async unbindDeviceToken(userId: number, deviceSn: number): Promise<void> {
    const device = await this.find(userId, deviceSn)
    await setVendorToken(this.ctx.db, device.id, '', '')
  }

  /** The user's devices a push can reach: those with a vendor token (bound with POST /user/token/bind). */
  async pushTargets(userId: number): Promise<PushTargetDevice[]> {
    const rows = await devicesWithVendorToken(this.ctx.db, userId)
    return rows.map((r) => ({ deviceId: r.id, platform: r.platform, deviceToken: r.device_token, notifierName: r.notifier_name }))
  }

  /** The app's devices with a vendor token that a POST /push/notify audience names (with their users). */
  async pushTargetsOf(appId: string, audience: PushAudience): Promise<Array<PushTargetDevice & { userId: number }>> {
    const rows = await devicesOfAudience(this.ctx.db, appId, audience)
    return rows.map((r) => ({ deviceId: r.id, userId: r.user_id, platform: r.platform, deviceToken: r.device_token, notifierName: r.notifier_name }))
  }

  /** The users of a task's audience, for delivery over the gateway's own sockets ('all': every user, asked of presence instead). */
  audienceUsers(appId: string, audience: Exclude<PushAudience, 'all'>): Promise<number[]> {
    return usersOfAudience(this.ctx.db, appId, audience)
  }

  /** The provider said the token is dead (uninstalled, expired): forget it, unless a new one was bound meanwhile. */
  async dropDeadToken(deviceId: number, deviceToken: string): Promise<void> {
    await dropVendorToken(this.ctx.db, deviceId, deviceToken)
  }

  private async find(userId: number, deviceSn: number): Promise<{ id: number }> {
    const device = await findDevice(this.ctx.db, userId, deviceSn)
    if (!device) throw new DomainError('BAD_PARAMETER', `the user has no device with device_sn ${deviceSn}`)
    return device
  }
}
