// Flood limits of the WebSocket: a token bucket per socket, and a per-user budget of concurrent sync work.

/** Frames a socket may send: `perSecond` on average, bursts up to twice that. */
export class FrameBucket {
  private tokens: number
  private last = Date.now()
  /** Frames refused since the last one accepted: a client that keeps going after being told is closed. */
  refusedInARow = 0

  constructor(private readonly perSecond: number) {
    this.tokens = this.capacity
  }

  get capacity(): number {
    return this.perSecond * 2
  }

  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      this.refusedInARow = 0
      return true
    }
    this.refusedInARow++
    return false
  }
}

/** At most `limit` sync queries of one user run at once, however many sockets it holds; the rest wait their turn. */
export class SyncBudgets {
  private readonly users = new Map<number, { running: number; waiting: Array<() => void> }>()

  constructor(private readonly limit: number) {}

  async run<T>(userId: number, work: () => Promise<T>): Promise<T> {
    let user = this.users.get(userId)
    if (!user) this.users.set(userId, (user = { running: 0, waiting: [] }))
    if (user.running >= this.limit) await new Promise<void>((resolve) => user.waiting.push(resolve))
    else user.running++
    try {
      return await work()
    } finally {
      // The permit passes straight to the next in line, or is returned.
      const next = user.waiting.shift()
      if (next) next()
      else if (--user.running === 0) this.users.delete(userId)
    }
  }
}
