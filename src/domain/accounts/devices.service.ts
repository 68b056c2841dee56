// Devices of a user: the list, removal, kicking (revoking their tokens) and vendor push tokens.
import { sql } from 'kysely'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { AccountsService } from './accounts.service.ts'

export interface Device {
  deviceSn: number
  platform: number
  userAgent: string
  userId: number
}

export class DevicesService {
  constructor(private readonly ctx: DomainContext, private readonly accounts: AccountsService) {}

  /**
   * Pages by device_sn (`cursor`: the last device_sn of the previous page). `version` is a 31-bit digest
   * of the list (each device's sn, platform and user agent): it changes whenever the list does, and —
   * unlike a sum — cannot overflow however many devices a user has.
   */
  async list(userId: number, cursor: string | undefined, limit: number): Promise<{ devices: Device[]; next?: number; version: number }> {
    const after = cursor === undefined || cursor === '' ? 0 : Number(cursor)
    if (!/^\d{0,10}$/.test(cursor ?? '') || after > 2 ** 31 - 1) throw new DomainError('BAD_PARAMETER', 'cursor must be the cursor of a previous page')
    const rows = await this.ctx.db.selectFrom('devices').select(['device_sn', 'platform', 'user_agent', 'user_id'])
      .where('user_id', '=', userId).where('device_sn', '>', after).orderBy('device_sn').limit(limit + 1).execute()
    const version = await this.ctx.db.selectFrom('devices')
      .select(sql<number>`coalesce(('x' || left(md5(string_agg(device_sn || ':' || platform || ':' || user_agent, E'\n' order by device_sn)), 8))::bit(32)::int & 2147483647, 0)`.as('v'))
      .where('user_id', '=', userId).executeTakeFirstOrThrow()
    const page = rows.slice(0, limit)
    return {
      devices: page.map((r) => ({ deviceSn: r.device_sn, platform: r.platform, userAgent: r.user_agent, userId: r.user_id })),
      next: rows.length > limit ? page[page.length - 1]!.device_sn : undefined,
      version: Number(version.v),
    }
  }

  /** Forgets the device and revokes its tokens. */
  async remove(userId: number, deviceSn: number): Promise<void> {
    const device = await this.find(userId, deviceSn)
    const revoked = await this.revokeDevice(device.id)
    await this.ctx.db.deleteFrom('devices').where('id', '=', device.id).execute()
    await this.accounts.announceRevoked(revoked)
  }

  /**
   * Signs a device out (its tokens are revoked, the device stays listed); without a device_sn,
   * every session of the user except the one making the call (its token and the tokens derived from it).
   */
  async kick(actor: Actor & { userId: number }, deviceSn: number | undefined): Promise<void> {
    let query = this.ctx.db.updateTable('tokens').set({ revoked_at: sql`now()` })
      .where('user_id', '=', actor.userId).where('revoked_at', 'is', null)
    if (deviceSn !== undefined) {
      const device = await this.find(actor.userId, deviceSn)
      query = query.where('device_id', '=', device.id)
    } else {
      const session = actor.sessionTokenId
      query = query.where('id', '!=', session).where((eb) => eb.or([eb('parent_id', 'is', null), eb('parent_id', '!=', session)]))
    }
    const rows = await query.returning('id').execute()
    await this.accounts.announceRevoked(rows.map((r) => r.id))
  }

  async bindDeviceToken(userId: number, deviceSn: number, deviceToken: string, notifierName: string): Promise<void> {
    if (deviceToken.length < 1 || deviceToken.length > 512) throw new DomainError('BAD_PARAMETER', 'device_token must be 1-512 characters')
    if (notifierName.length > 128) throw new DomainError('BAD_PARAMETER', 'notifier_name must be at most 128 characters')
    const device = await this.find(userId, deviceSn)
    await this.ctx.db.updateTable('devices').set({ device_token: deviceToken, notifier_name: notifierName }).where('id', '=', device.id).execute()
  }

  async unbindDeviceToken(userId: number, deviceSn: number): Promise<void> {
    const device = await this.find(userId, deviceSn)
    await this.ctx.db.updateTable('devices').set({ device_token: '', notifier_name: '' }).where('id', '=', device.id).execute()
  }

  private async find(userId: number, deviceSn: number): Promise<{ id: number }> {
    const device = await this.ctx.db.selectFrom('devices').select('id').where('user_id', '=', userId).where('device_sn', '=', deviceSn).executeTakeFirst()
    if (!device) throw new DomainError('BAD_PARAMETER', `the user has no device with device_sn ${deviceSn}`)
    return device
  }

  private async revokeDevice(deviceId: number): Promise<number[]> {
    const rows = await this.ctx.db.updateTable('tokens').set({ revoked_at: sql`now()` })
      .where('device_id', '=', deviceId).where('revoked_at', 'is', null).returning('id').execute()
    return rows.map((r) => r.id)
  }
}
