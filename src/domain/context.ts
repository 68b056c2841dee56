// What every domain service is built from: the database, the bus, counters, the clock and the settings it reads.
import type { Db } from '../platform/db.ts'
import type { Bus } from '../platform/bus.ts'
import type { Kv } from '../platform/kv.ts'
import type { FileStore } from '../platform/storage.ts'
import type { SmsSender } from '../platform/sms.ts'
import type { SecretBox } from '../platform/push/secret-box.ts'
import type { LoginThrottleSettings } from './accounts/login-throttle.ts'
import type { DomainMetrics } from './metrics.ts'

export interface DomainContext {
  readonly db: Db
  readonly bus: Bus
  readonly kv: Kv
  readonly files: FileStore
  readonly sms: SmsSender
  /** Seals and opens push credentials (PUSH_SECRET_KEY); absent when the key is not configured. */
  readonly pushSecrets?: SecretBox
  /** Counts for operations (NO_METRICS when they are off). */
  readonly metrics: DomainMetrics
  /** Epoch ms; tests move it to expire tokens and codes. */
  readonly now: () => number
  readonly settings: {
    readonly defaultAppId: string
    readonly tokenTtlSeconds: number
    /** Base of the server's own absolute URLs: a picture URL under it may name one of our stored files. */
    readonly publicUrl: string
    readonly loginThrottle: LoginThrottleSettings
    /** Send batches stored at once (group-commit.ts): 1 on the embedded database's one session, more on a pool. */
    readonly sendBatchesInFlight: number
  }
}
