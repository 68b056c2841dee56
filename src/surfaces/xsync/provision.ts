// PROVISION (login): the REST token proves the user, device_guid names the device (found or created, recorded on the token).
import type { UserActor } from '../../domain/actor.ts'
import type { Services } from '../../domain/services.ts'
import { Code, type Provision, type Status } from './codec.ts'
import { statusOf } from './status-map.ts'

/** The device a socket logged in as. */
export interface LoggedIn {
  actor: UserActor
  deviceId: number
  deviceSn: number
}

/** Provision.os_type numbers devices.platform's codes (0 unknown … 6 web), the same list. */
const PLATFORM_MAX = 6

export async function provision(services: Services, request: Provision): Promise<LoggedIn | { status: Status; internal?: boolean }> {
  // The only code that makes the SDK ask for a new login (protocol.md §4), also when it sends no token at all.
  if (!request.token) return { status: { code: Code.INVALID_TOKEN, reason: 'log in again: no token' } }
  try {
    const actor = await services.accounts.authenticate(request.token)
    if (actor.userId === null || actor.isAdmin) return { status: { code: Code.UNAUTHORIZED, reason: 'a socket belongs to a user: use a user token' } }
    if (request.xid?.uid && request.xid.uid !== actor.userId)
      return { status: { code: Code.INVALID_TOKEN, reason: `the token is not user ${request.xid.uid}'s` } }
    const user = { ...actor, userId: actor.userId }
    const guid = request.device_guid || `${actor.userId}_socket`
    const device = await services.devices.attach(user, guid, Math.min(request.os_type ?? 0, PLATFORM_MAX), request.device_info ?? '')
    return { actor: { ...user, deviceId: device.deviceId }, ...device }
  } catch (error) {
    return statusOf(error)
  }
}
