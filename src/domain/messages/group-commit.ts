// Group commit: sends that arrive while earlier ones are being stored are stored together, across conversations, in one statement.
import type { Db } from '../../platform/db.ts'
import { DependencyUnavailableError } from '../../platform/outage.ts'
import { inTransaction } from '../../platform/transaction.ts'
import { DomainError } from '../errors.ts'
import { appendBatch, blockedPairs, type Append, type Appended, type ConversationKey, type NewMessage } from './messages.repository.ts'
import type { PushRecorder } from './messages.types.ts'

/** Enough to fill the time one batch takes under any load we measured; a bound on one statement's size. */
const BATCH_MAX = 64

/** One content message (no related_mid) for one conversation, as the send's checks left it. */
export interface Submitted {
  message: NewMessage
  /**
   * The recipient's blacklist is checked here, in the batch's statement, instead of before submit: a pair
   * message from a user. A refused send fails alone with IN_BLACKLIST, takes no number and stores nothing.
   */
  guarded?: boolean
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
  /** The conversation, as a string. */
  id: string
  key: ConversationKey
  item: Submitted
  resolve(result: Committed): void
  reject(error: unknown): void
}

/** What the batch answers for one entry: its result, or the error it alone fails with. */
type Outcome = { ok: Committed } | { error: unknown }

/**
 * The first send is stored at once; sends arriving while batches are in flight queue, and go together when
 * one is done, as one statement (or one transaction when one of them dedupes or pushes), whatever their
 * conversations: one commit for many sends. At most `parallel` batches are in flight, and a conversation is in
 * at most one of them, so its messages take consecutive numbers in arrival order, one row lock per batch. Each
 * send's answer is its own: the permission checks ran before submit (the blacklist of a guarded send runs in
 * the statement), and a batch that fails is retried one by one so a message the database refuses fails alone.
 * Nothing is published here: the caller rings after commit.
 */
export class GroupCommit {
  /** Sends not yet in a batch, in arrival order. */
  private readonly pending: Entry[] = []
  /** Conversations with a batch in flight. */
  private readonly busy = new Set<string>()
  private inFlight = 0
  /** A pump is due at the next turn of the event loop. */
  private scheduled = false

  constructor(
    private readonly db: Db,
    private readonly push?: PushRecorder,
    /** Batches in flight at once: 1 on the embedded database (one session), a few on a pool. */
    private readonly parallel = 1,
  ) {}

  submit(key: ConversationKey, item: Submitted): Promise<Committed> {
    const id = `${key.appId}\u0000${key.kind}:${key.peerA}:${key.peerB}`
    return new Promise<Committed>((resolve, reject) => {
      this.pending.push({ id, key, item, resolve, reject })
      this.schedule()
    })
  }

  /**
   * Batches start on the next turn of the event loop, not at once: the sends whose checks finish in this turn go
   * with them. It matters on the embedded database, whose queries run on this thread: without it a send would
   * always find the database idle, and each would pay a statement and a commit of its own.
   */
  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.pump()
    })
  }

  /** Starts batches while there is room and something to store. */
  private pump(): void {
    while (this.inFlight < this.parallel && this.pending.length > 0) {
      const batch = takeBatch(this.pending, this.busy)
      if (batch.length === 0) return
      this.inFlight++
      for (const entry of batch) this.busy.add(entry.id)
      void this.settle(batch).then(
        () => this.done(batch),
        (error: unknown) => {
          // Not expected (settle answers every failure), but no conversation may stay blocked behind it.
          for (const entry of batch) entry.reject(error)
          this.done(batch)
        },
      )
    }
  }

  private done(batch: Entry[]): void {
    for (const entry of batch) this.busy.delete(entry.id)
    this.inFlight--
    this.schedule()
  }

  private async settle(batch: Entry[]): Promise<void> {
    let outcomes: Outcome[]
    try {
      outcomes = await this.store(batch)
    } catch (error) {
      if (batch.length === 1 || error instanceof DependencyUnavailableError) {
        for (const entry of batch) entry.reject(error)
        return
      }
      // One message the database refuses must not fail the others: each alone, each its own answer.
      for (const entry of batch) await this.settle([entry])
      return
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i]!
      if ('ok' in outcome) entry.resolve(outcome.ok)
      else entry.reject(outcome.error)
    })
  }

  private async store(batch: Entry[]): Promise<Outcome[]> {
    const items = batch.map((e) => e.item)
    // Plain messages (no dedupe, no push work): one statement, atomic on its own, one round trip.
    if (items.every((item) => !item.dedupe && !item.pushing)) {
      const appended = await appendBatch(
        this.db,
        batch.map((e) => ({ key: e.key, message: e.item.message, guarded: e.item.guarded === true })),
      )
      return appended.map((a, i) => (a ? { ok: { appended: a } } : { error: refusal(items[i]!) }))
    }
    return inTransaction(this.db, async (trx) => {
      const outcomes: Array<Outcome | undefined> = []
      // A send that dedupes learns of the blacklist before it claims its transaction_id, as a lone send does:
      // a refused repeat is refused, not answered with the first send's ids.
      const asked = items.flatMap((item) => (item.guarded && item.dedupe ? [{ recipient: item.message.targetId, sender: item.message.senderId }] : []))
      const blocked = await blockedPairs(trx, asked)
      const appends: Append[] = []
      const fresh: number[] = []
      for (const [i, item] of items.entries()) {
        if (item.guarded && item.dedupe && blocked.has(`${item.message.targetId}:${item.message.senderId}`)) {
          outcomes[i] = { error: refusal(item) }
          continue
        }
        const first = item.dedupe ? await item.dedupe.claim(trx) : null
        if (first) {
          outcomes[i] = { ok: { first } }
          continue
        }
        fresh.push(i)
        // Checked above when it dedupes (a refusal now would leave its claim behind).
        appends.push({ key: batch[i]!.key, message: item.message, guarded: item.guarded === true && !item.dedupe })
      }
      const appended = appends.length > 0 ? await appendBatch(trx, appends) : []
      const pushed = new Map<string, number[]>()
      for (const [k, i] of fresh.entries()) {
        const a = appended[k]
        if (!a) {
          outcomes[i] = { error: refusal(items[i]!) }
          continue
        }
        outcomes[i] = { ok: { appended: a } }
        await items[i]!.dedupe?.record(trx, [a.id])
        const appId = batch[i]!.key.appId
        if (items[i]!.pushing) pushed.set(appId, [...(pushed.get(appId) ?? []), a.id])
      }
      for (const [appId, ids] of pushed) await this.push?.record(trx, appId, ids)
      return outcomes as Outcome[]
    })
  }
}

function refusal(item: Submitted): DomainError {
  return new DomainError('IN_BLACKLIST', `user ${item.message.targetId} does not accept your messages`)
}

/**
 * The next batch from the queue, in arrival order: at most BATCH_MAX, none of a conversation in flight, and a
 * repeated dedupe key waits for a later batch (and so does the rest of its conversation, to keep arrival order).
 */
function takeBatch(queue: Entry[], busy: Set<string>): Entry[] {
  const batch: Entry[] = []
  const keys = new Set<string>()
  const held = new Set<string>()
  let i = 0
  while (i < queue.length && batch.length < BATCH_MAX) {
    const entry = queue[i]!
    const key = entry.item.dedupe?.key
    if (busy.has(entry.id) || held.has(entry.id) || (key !== undefined && keys.has(key))) {
      held.add(entry.id)
      i++
      continue
    }
    if (key !== undefined) keys.add(key)
    batch.push(...queue.splice(i, 1))
  }
  return batch
}
