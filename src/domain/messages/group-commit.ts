// Group commit: sends into one conversation that arrive while its previous batch is being stored are stored together.
import type { Db } from '../../platform/db.ts'
import { DependencyUnavailableError } from '../../platform/outage.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { appendMessage, appendMessages, type Appended, type ConversationKey, type NewMessage } from './messages.repository.ts'
import type { PushRecorder } from './messages.types.ts'

/** Enough to fill the time one batch takes under any load we measured; a bound on one statement's size. */
const BATCH_MAX = 64

/** One content message (no related_mid) for one conversation, as the send's checks left it. */
export interface Submitted {
  message: NewMessage
  /** The send's transaction_id dedupe, done inside the batch's transaction. */
  dedupe?: {
    /** Two sends with the same key never share a batch: the second must see the first's record. */
    key: string
    /** Null when this send owns the key, else the first send's message ids (the repeat stores nothing). */
    claim(trx: Db): Promise<number[] | null>
    record(trx: Db, msgIds: number[]): Promise<void>
  }
  /** Record push work for the message in the same transaction. */
  pushing: boolean
}

export type Committed = { first: number[] } | { appended: Appended }

interface Entry {
  item: Submitted
  resolve(result: Committed): void
  reject(error: unknown): void
}

/**
 * Per conversation: the first send is stored at once; sends arriving while it is in flight queue, and go
 * together when it is done, as one statement (or one transaction when one of them dedupes or pushes). The
 * conversation's row lock is taken once per batch instead of once per send, the batch's messages take
 * consecutive sequence numbers in arrival order, and nothing waits when there is no contention. Each send's
 * answer is its own: the permission checks ran before submit, and a batch that fails is retried one by one
 * so a message the database refuses fails alone. Nothing is published here: the caller rings after commit.
 */
export class GroupCommit {
  /** Conversations with a batch in flight, and the sends waiting for the next one. */
  private readonly waiting = new Map<string, Entry[]>()

  constructor(
    private readonly db: Db,
    private readonly push?: PushRecorder,
  ) {}

  submit(key: ConversationKey, item: Submitted): Promise<Committed> {
    const id = `${key.appId}\u0000${key.kind}:${key.peerA}:${key.peerB}`
    return new Promise<Committed>((resolve, reject) => {
      const entry = { item, resolve, reject }
      const queue = this.waiting.get(id)
      if (queue) {
        queue.push(entry)
        return
      }
      this.waiting.set(id, [])
      void this.drain(id, key, [entry])
    })
  }

  /** Stores `batch`, then whatever queued meanwhile, until the conversation's queue is empty. */
  private async drain(id: string, key: ConversationKey, batch: Entry[]): Promise<void> {
    try {
      for (;;) {
        await this.settle(key, batch)
        const queue = this.waiting.get(id)!
        if (queue.length === 0) {
          this.waiting.delete(id)
          return
        }
        batch = takeBatch(queue)
      }
    } catch (error) {
      // Not expected (settle answers every failure), but a conversation must never stay blocked behind it.
      for (const entry of this.waiting.get(id) ?? []) entry.reject(error)
      this.waiting.delete(id)
    }
  }

  private async settle(key: ConversationKey, batch: Entry[]): Promise<void> {
    let results: Committed[]
    try {
      results = await this.store(key, batch)
    } catch (error) {
      if (batch.length === 1 || error instanceof DependencyUnavailableError) {
        for (const entry of batch) entry.reject(error)
        return
      }
      // One message the database refuses must not fail the others: each alone, each its own answer.
      for (const entry of batch) await this.settle(key, [entry])
      return
    }
    batch.forEach((entry, i) => entry.resolve(results[i]!))
  }

  private async store(key: ConversationKey, batch: Entry[]): Promise<Committed[]> {
    const items = batch.map((e) => e.item)
    // One message, no dedupe, no push work: one statement, atomic on its own, one round trip.
    if (items.length === 1 && !items[0]!.dedupe && !items[0]!.pushing) return [{ appended: await appendMessage(this.db, key, items[0]!.message) }]
    // Several plain messages: still one statement.
    if (items.every((item) => !item.dedupe && !item.pushing)) {
      return (
        await appendMessages(
          this.db,
          key,
          items.map((item) => item.message),
        )
      ).map((appended) => ({ appended }))
    }
    return inTransaction(this.db, async (trx) => {
      const results: Array<Committed | undefined> = []
      const fresh: number[] = []
      for (const [i, item] of items.entries()) {
        const first = item.dedupe ? await item.dedupe.claim(trx) : null
        if (first) results[i] = { first }
        else fresh.push(i)
      }
      const appended =
        fresh.length === 1
          ? [await appendMessage(trx, key, items[fresh[0]!]!.message)]
          : fresh.length > 1
            ? await appendMessages(
                trx,
                key,
                fresh.map((i) => items[i]!.message),
              )
            : []
      fresh.forEach((i, k) => (results[i] = { appended: appended[k]! }))
      for (const [k, i] of fresh.entries()) await items[i]!.dedupe?.record(trx, [appended[k]!.id])
      const pushed = fresh.flatMap((i, k) => (items[i]!.pushing ? [appended[k]!.id] : []))
      if (pushed.length > 0) await this.push?.record(trx, key.appId, pushed)
      return results as Committed[]
    })
  }
}

/** The next batch from the queue, in arrival order: at most BATCH_MAX, and a repeated dedupe key waits for the one after. */
function takeBatch(queue: Entry[]): Entry[] {
  const batch: Entry[] = []
  const keys = new Set<string>()
  let i = 0
  while (i < queue.length && batch.length < BATCH_MAX) {
    const key = queue[i]!.item.dedupe?.key
    if (key !== undefined && keys.has(key)) {
      i++
      continue
    }
    if (key !== undefined) keys.add(key)
    batch.push(...queue.splice(i, 1))
  }
  return batch
}
