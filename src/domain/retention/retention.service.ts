// Retention: expired tokens, verification codes, send-deduplication records and old notices are purged on a schedule every process may run at once.
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { VerificationService } from '../accounts/verification.service.ts'
import type { MessagesService } from '../messages/messages.service.ts'
import type { NoticesService } from '../notices/notices.service.ts'

export interface Purged {
  tokens: number
  codes: number
  transactions: number
  notices: number
}

export class RetentionService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly verification: VerificationService,
    private readonly messages: MessagesService,
    private readonly notices: NoticesService,
  ) {}

  /**
   * One round. Processes that run it at the same time share the work (each batch skips the rows
   * another holds), so the counts of concurrent rounds add up to what there was to purge.
   */
  async purge(): Promise<Purged> {
    return {
      tokens: await this.accounts.purgeExpiredTokens(),
      codes: await this.verification.purgeExpired(),
      transactions: await this.messages.purgeExpiredTransactions(),
      notices: await this.notices.purgeExpired(),
    }
  }

  /**
   * Runs `purge` about every `intervalMs` (±25%, so processes started together drift apart), never two
   * rounds of one process at once; a failed round (the database away) is reported and the next one tried.
   * Returns a function that stops the schedule.
   */
  schedule(intervalMs: number, report: (error: unknown, purged?: Purged) => void): () => void {
    let timer: NodeJS.Timeout | undefined
    let stopped = false
    const next = () => {
      if (stopped) return
      timer = setTimeout(
        () => {
          this.purge()
            .then(
              (purged) => report(null, purged),
              (error) => report(error),
            )
            .finally(next)
        },
        intervalMs * (0.75 + Math.random() * 0.5),
      )
      timer.unref()
    }
    next()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }
}
