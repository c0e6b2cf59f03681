import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible"
import { budgetKinds, type Budget, type BudgetKind, type Budgets } from "./budgets"

/**
 * The hub's request budgets as RateLimiterMemory instances, one per kind for sockets and one for
 * addresses, shared by every socket; and the count of refusals, for /metrics.
 */
export class RequestLimiters {
  /** Requests refused since the server started. */
  refused = 0
  private readonly perConnection: Record<BudgetKind, RateLimiterMemory>
  private readonly perAddress: Record<BudgetKind, RateLimiterMemory>
  private readonly refusals: RateLimiterMemory

  constructor(budgets: Budgets) {
    const each = (pick: (kind: BudgetKind) => Budget) =>
      Object.fromEntries(budgetKinds.map(kind => [kind, limiter(pick(kind))])) as Record<BudgetKind, RateLimiterMemory>
    this.perConnection = each(kind => budgets[kind].connection)
    this.perAddress = each(kind => budgets[kind].address)
    this.refusals = limiter(budgets.refusals)
  }

  /**
   * Spend `cost` points of `kind` for the socket `socketId` and then for its `address`: 0 when both had
   * them, else the ms until the exhausted one refills. A socket over its own budget spends nothing of its
   * address's, so that one flooding socket cannot use up what its neighbours share.
   */
  async spend(kind: BudgetKind, socketId: string, address: string, cost: number): Promise<number> {
    const wait = (await refusal(this.perConnection[kind], socketId, cost)) || (await refusal(this.perAddress[kind], address, cost))
    if (wait) this.refused++
    return wait
  }

  /** Count one refusal of the socket `socketId`; true once it has been refused more often than its budget allows. */
  async refusedTooOften(socketId: string): Promise<boolean> {
    return (await refusal(this.refusals, socketId, 1)) > 0
  }
}

function limiter(budget: Budget): RateLimiterMemory {
  return new RateLimiterMemory({ points: budget.points, duration: budget.seconds })
}

/** 0 when `key` had `cost` points left, else the ms until its window starts again. */
async function refusal(limiter: RateLimiterMemory, key: string, cost: number): Promise<number> {
  try {
    await limiter.consume(key, cost)
    return 0
  } catch (result) {
    // RateLimiterMemory rejects with a RateLimiterRes when over budget; anything else is a bug.
    if (!(result instanceof RateLimiterRes)) throw result
    return Math.max(1, result.msBeforeNext)
  }
}
