// Queries on a user's devices; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

/** The user's devices after `afterSn`, by device_sn, `limit` + 1 to know whether more remain. */
export async function devicePage(db: Db, userId: number, afterSn: number, limit: number) {
  return db
    .selectFrom('devices')
    .select(['device_sn', 'platform', 'user_agent', 'user_id'])
    .where('user_id', '=', userId)
    .where('device_sn', '>', afterSn)
    .orderBy('device_sn')
    .limit(limit + 1)
    .execute()
}

/** A 31-bit digest of the user's device list (each device's sn, platform and user agent); 0 for none. */
export async function deviceListVersion(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select(
      sql<number>`coalesce(('x' || left(md5(string_agg(device_sn || ':' || platform || ':' || user_agent, E'\n' order by device_sn)), 8))::bit(32)::int & 2147483647, 0)`.as(
        'v',
      ),
    )
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(row.v)
}

export async function findDevice(db: Db, userId: number, deviceSn: number): Promise<{ id: number } | undefined> {
  return db.selectFrom('devices').select('id').where('user_id', '=', userId).where('device_sn', '=', deviceSn).executeTakeFirst()
}

export async function deleteDevice(db: Db, deviceId: number): Promise<void> {
  await db.deleteFrom('devices').where('id', '=', deviceId).execute()
}

/** The device's vendor push token and notifier ('' and '' unbind it). */
export async function setVendorToken(db: Db, deviceId: number, deviceToken: string, notifierName: string): Promise<void> {
  await db.updateTable('devices').set({ device_token: deviceToken, notifier_name: notifierName }).where('id', '=', deviceId).execute()
}

/** Records a login from a device: a new guid gets the user's next device_sn and a fresh push token. */
export async function upsertDevice(db: Db, device: { userId: number; guid: string; platform: number; userAgent: string; pushToken: string }) {
  return db
    .insertInto('devices')
    .values({
      user_id: device.userId,
      device_guid: device.guid,
      platform: device.platform,
      user_agent: device.userAgent,
      push_token: device.pushToken,
      device_sn: sql<number>`(select coalesce(max(device_sn), 0) + 1 from devices where user_id = ${device.userId})`,
    })
    .onConflict((c) =>
      c.columns(['user_id', 'device_guid']).doUpdateSet((eb) => ({
        last_login_at: sql`now()`,
        platform: sql<number>`case when ${eb.ref('excluded.platform')} = 0 then devices.platform else ${eb.ref('excluded.platform')} end`,
        user_agent: eb.ref('excluded.user_agent'),
      })),
    )
    .returning(['id', 'device_sn', 'push_token'])
    .executeTakeFirstOrThrow()
}

export async function deviceSnOf(db: Db, deviceId: number): Promise<number> {
  const row = await db.selectFrom('devices').select('device_sn').where('id', '=', deviceId).executeTakeFirst()
  return row?.device_sn ?? 0
}

export async function pushTokenOf(db: Db, deviceId: number): Promise<string | undefined> {
  const row = await db.selectFrom('devices').select('push_token').where('id', '=', deviceId).executeTakeFirst()
  return row?.push_token
}

export async function hasDeviceWithPushToken(db: Db, userId: number, pushToken: string): Promise<boolean> {
  const row = await db.selectFrom('devices').select('id').where('user_id', '=', userId).where('push_token', '=', pushToken).executeTakeFirst()
  return row !== undefined
}

/** The user's devices that hold a vendor push token. */
export async function devicesWithVendorToken(db: Db, userId: number) {
  return db
    .selectFrom('devices')
    .select(['id', 'platform', 'device_token', 'notifier_name'])
    .where('user_id', '=', userId)
    .where('device_token', '<>', '')
    .orderBy('device_sn')
    .execute()
}

/** Forgets a vendor token the provider called dead, unless the device bound a new one meanwhile. */
export async function dropVendorToken(db: Db, deviceId: number, deviceToken: string): Promise<void> {
  await db.updateTable('devices').set({ device_token: '', notifier_name: '' }).where('id', '=', deviceId).where('device_token', '=', deviceToken).execute()
}

/** A POST /push/notify audience, resolved to the app's devices with a vendor token. */
export type PushAudience = 'all' | { tag?: string[]; alias?: string[]; user_id?: number[]; push_token?: string[] }

/** The app's users a task's audience names by id, tag, alias or the push_token of one of their devices ('all' is not listed here). */
export async function usersOfAudience(db: Db, appId: string, audience: Exclude<PushAudience, 'all'>): Promise<number[]> {
  const { tag = [], alias = [], user_id: userIds = [], push_token: pushTokens = [] } = audience
  if (userIds.length + pushTokens.length + tag.length + alias.length === 0) return []
  const rows = await db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.app_id', '=', appId)
    .where((eb) =>
      eb.or([
        ...(userIds.length > 0 ? [eb('u.id', 'in', userIds)] : []),
        ...(pushTokens.length > 0 ? [eb('u.id', 'in', eb.selectFrom('devices').select('user_id').where('push_token', 'in', pushTokens))] : []),
        ...(tag.length > 0 ? [eb('u.id', 'in', eb.selectFrom('user_push_tags').select('user_id').where('tag', 'in', tag))] : []),
        ...(alias.length > 0 ? [eb('u.id', 'in', eb.selectFrom('user_settings').select('user_id').where('push_alias', 'in', alias))] : []),
      ]),
    )
    .orderBy('u.id')
    .execute()
  return rows.map((r) => r.id)
}

export async function devicesOfAudience(db: Db, appId: string, audience: PushAudience) {
  let query = db
    .selectFrom('devices as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.id', 'd.user_id', 'd.platform', 'd.device_token', 'd.notifier_name'])
    .where('u.app_id', '=', appId)
    .where('d.device_token', '<>', '')
  if (audience !== 'all') {
    const { tag = [], alias = [], user_id: userIds = [], push_token: pushTokens = [] } = audience
    query = query.where((eb) =>
      eb.or([
        ...(userIds.length > 0 ? [eb('d.user_id', 'in', userIds)] : []),
        ...(pushTokens.length > 0 ? [eb('d.push_token', 'in', pushTokens)] : []),
        ...(tag.length > 0 ? [eb('d.user_id', 'in', eb.selectFrom('user_push_tags').select('user_id').where('tag', 'in', tag))] : []),
        ...(alias.length > 0 ? [eb('d.user_id', 'in', eb.selectFrom('user_settings').select('user_id').where('push_alias', 'in', alias))] : []),
        ...(userIds.length + pushTokens.length + tag.length + alias.length === 0 ? [sql<boolean>`false`] : []),
      ]),
    )
  }
  return query.orderBy('d.id').execute()
}

/** Every device of the user, with its push tokens. */
export async function deleteDevicesOf(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('devices').where('user_id', '=', userId).execute()
}
