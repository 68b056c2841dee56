// The send path's side of push: whether a send can push (cached "has credentials"), and one outbox row per message in the send's transaction.
import type { Db } from '../../platform/db.ts'
import type { PushRecorder } from '../messages/messages.types.ts'
import { PUSHING_TYPES } from './notifications.ts'
import { recordMessages } from './outbox.repository.ts'
import type { PushCredentialSource } from './credential-source.ts'

export function pushRecorder(credentials: PushCredentialSource): PushRecorder {
  return {
    // Silent types and apps without credentials record nothing, so nothing piles up.
    wants: async (appId, contentType) => PUSHING_TYPES.includes(contentType) && credentials.hasAny(appId),
    record: (trx: Db, appId, messageIds) => recordMessages(trx, appId, messageIds),
  }
}
