// The notice log: group, roster and user changes recorded per recipient in the change's own transaction, announced on the
// bus once it commits, and read back per device (the xsync system conversation) from a cursor each device keeps.
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { NOTICES_CHANNEL, ring } from '../events.ts'
import { advanceCursor, countAfter, findCursor, insertNotice, newestBefore, noticesAfter, purgeNotices } from './notices.repository.ts'
import type { Audience, NewNotice, Notice, NoticeLog } from './notices.types.ts'

/**
 * A device that never pulled notices starts with those of this window: long enough for a pending friend
 * application or group invitation (7 days) to still be answerable, short enough not to replay old history.
 */
export const NEW_DEVICE_WINDOW_MS = 7 * 24 * 3600 * 1000
/** Notices older than this are purged by the retention job. */
export const NOTICE_RETENTION_MS = 30 * 24 * 3600 * 1000

/** Who reads: the user and the device whose cursor moves. */
export interface NoticeReader {
  appId: string
  userId: number
  deviceId: number
}

export class NoticesService {
  constructor(private readonly ctx: DomainContext) {}

  /**
   * Runs `work` in one transaction (inTransaction) with a log that records notices in it; once it commits, the
   * recipients' doorbell rings. A change that fails records nothing and rings nothing.
   */
  async transaction<T>(work: (trx: Db, notices: NoticeLog) => Promise<T>): Promise<T> {
    const recipients = new Map<string, Set<number>>()
    const result = await inTransaction(this.ctx.db, (trx) =>
      work(trx, {
        record: async (notice, audience) => {
          const ids = await this.record(trx, notice, audience)
          const set = recipients.get(notice.appId) ?? new Set<number>()
          for (const id of ids) set.add(id)
          recipients.set(notice.appId, set)
        },
      }),
    )
    for (const [appId, users] of recipients) await this.announce(appId, [...users])
    return result
  }

  /** Records one notice for its audience inside `trx`; returns the recipients. The caller announces them after commit. */
  async record(trx: Db, notice: NewNotice, audience: Audience): Promise<number[]> {
    return insertNotice(trx, notice, audience, new Date(this.ctx.now()))
  }

  /** Rings the notices doorbell for `recipients` (after the recording transaction committed). */
  async announce(appId: string, recipients: number[]): Promise<void> {
    if (recipients.length > 0) await ring(this.ctx.bus, NOTICES_CHANNEL, { appId, recipients })
  }

  /** The user's notices after `afterId`, oldest first. */
  async after(userId: number, afterId: number, limit: number): Promise<Notice[]> {
    return noticesAfter(this.ctx.db, userId, afterId, limit)
  }

  /** How many notices wait for the device (counted up to `cap`). */
  async pendingFor(reader: NoticeReader, cap: number): Promise<number> {
    return countAfter(this.ctx.db, reader.userId, await this.cursorOf(reader), cap)
  }

  /**
   * The next notices for the device. `key` > 0 says the device holds everything up to that id (its cursor moves
   * there first). A batch that reaches the end moves the cursor past it at once (the SDK never acknowledges the
   * last batch); `more` says whether another batch follows.
   */
  async pull(reader: NoticeReader, key: number, limit: number): Promise<{ notices: Notice[]; more: boolean }> {
    let cursor = await this.cursorOf(reader)
    if (key > cursor) {
      await advanceCursor(this.ctx.db, reader.deviceId, key)
      cursor = key
    }
    const rows = await noticesAfter(this.ctx.db, reader.userId, cursor, limit + 1)
    const more = rows.length > limit
    const notices = rows.slice(0, limit)
    if (!more) await advanceCursor(this.ctx.db, reader.deviceId, notices.at(-1)?.id ?? cursor)
    return { notices, more }
  }

  async purgeExpired(): Promise<number> {
    return purgeNotices(this.ctx.db, new Date(this.ctx.now() - NOTICE_RETENTION_MS))
  }

  /** The device's cursor; a device that never pulled starts NEW_DEVICE_WINDOW_MS back. */
  private async cursorOf(reader: NoticeReader): Promise<number> {
    return (await findCursor(this.ctx.db, reader.deviceId)) ?? (await newestBefore(this.ctx.db, reader.userId, new Date(this.ctx.now() - NEW_DEVICE_WINDOW_MS)))
  }
}
