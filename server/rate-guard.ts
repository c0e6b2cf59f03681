import { ConcordError } from "../lib/protocol"
import type { BudgetKind } from "./budgets"
import type { RequestLimiters } from "./request-limiters"

/** What the guard needs of a socket: who it is, where it comes from, and how to end it. */
export interface GuardedSocket {
  id: string
  handshake: { address: string }
  disconnect(close: boolean): unknown
}

/**
 * One socket's budgets, as its Connection spends them: a request over budget is refused with
 * ERR_RATE_LIMITED, and a socket refused too often within the window is disconnected.
 */
export class RateGuard {
  constructor(private readonly socket: GuardedSocket, private readonly limiters: RequestLimiters) {}

  /** Spend `cost` points of `kind`; throws ERR_RATE_LIMITED, saying when to retry, when over budget. */
  async charge(kind: BudgetKind, cost = 1): Promise<void> {
    const wait = await this.spend(kind, cost)
    if (wait) throw new ConcordError("ERR_RATE_LIMITED", `Too many ${kind} requests: retry in ${wait} ms`, { retryAfterMs: wait })
  }

  /** Spend one point of `kind` for a message that has no reply: false when it must be dropped. */
  async allows(kind: BudgetKind): Promise<boolean> {
    return (await this.spend(kind, 1)) == 0
  }

  private async spend(kind: BudgetKind, cost: number): Promise<number> {
    const wait = await this.limiters.spend(kind, this.socket.id, this.socket.handshake.address, cost)
    // Disconnected after the reply is written: engine.io sends what is buffered before it closes.
    if (wait && (await this.limiters.refusedTooOften(this.socket.id))) setImmediate(() => this.socket.disconnect(true))
    return wait
  }
}

/** What a Connection asks before it serves a request. */
export type RequestGuard = Pick<RateGuard, "charge" | "allows">

/** The guard of a server without budgets (CONCORD_RATE_LIMITS=off): everything is allowed. */
export const unlimited: RequestGuard = {
  charge: async () => {},
  allows: async () => true
}
