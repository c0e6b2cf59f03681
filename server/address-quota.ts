import { RateLimiterMemory } from "rate-limiter-flexible"
import type { Budgets } from "./budgets"

/**
 * The sockets of each client address: how many are open, and a budget of new ones, checked at the
 * handshake before engine.io allocates anything for the socket.
 */
export class AddressQuota {
  private readonly open = new Map<string, number>()
  private readonly connects: RateLimiterMemory
  /** Handshakes refused since the server started. */
  refused = 0

  constructor(private readonly budgets: Pick<Budgets, "connect" | "socketsPerAddress">) {
    this.connects = new RateLimiterMemory({ points: budgets.connect.points, duration: budgets.connect.seconds })
  }

  /** Whether `address` may open one more socket; spends one of its new-socket budget when it may. */
  async admits(address: string): Promise<boolean> {
    const admitted = (this.open.get(address) ?? 0) < this.budgets.socketsPerAddress && (await this.connects.consume(address).then(() => true, () => false))
    if (!admitted) this.refused++
    return admitted
  }

  /** A socket from `address` opened. */
  opened(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1)
  }

  /** A socket from `address` closed. */
  closed(address: string): void {
    const left = (this.open.get(address) ?? 1) - 1
    if (left > 0) this.open.set(address, left)
    else this.open.delete(address)
  }
}
