// Time in the domain. Rule times (expiries, bans, windows) come from the one injected clock, ctx.now (epoch ms);
// record-keeping stamps (created_at, updated_at, revoked_at, used_at) are the database's now(). Instants are epoch ms
// everywhere but ban expiries, which the API documents in epoch seconds (semantics §5).

/** Epoch seconds at the clock's epoch-ms instant: the unit of ban expiries. */
export function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000)
}

/** A ban or ban_all expiry (epoch seconds; -1 forever; 0 or past none) is in force at `nowSeconds`. */
export function banInForce(untilSeconds: number, nowSeconds: number): boolean {
  return untilSeconds === -1 || untilSeconds > nowSeconds
}
