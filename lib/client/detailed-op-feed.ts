import { limits } from "../protocol/limits"
import { isDetailed, type CommittedOp, type HistoryPage, type LeanOp } from "../protocol/messages"

type OpListener = (ops: readonly CommittedOp[]) => void

/**
 * Hands the ops a connection applies to listeners that need all of each op (a history panel), in
 * version order. The hub sends a socket whole CommittedOps only while the socket asks for detail, which
 * it does while there are listeners (`setDetail`); ops that still arrive lean (sent before the hub
 * switched) are fetched whole from the op log first, and later ops wait for them. When that fetch
 * fails the ops are left out, and the listener sees the gap in versions (the history model then
 * reloads its page).
 */
export class DetailedOpFeed {
  private readonly listeners = new Set<OpListener>()
  private queue: Promise<void> | null = null

  /**
   * `fetchPage` asks the hub for a page of whole ops below `before` (newest first); `setDetail` tells
   * the hub whether this connection wants whole ops.
   */
  constructor(
    private readonly fetchPage: (before: number, limit: number) => Promise<HistoryPage>,
    private readonly setDetail: (on: boolean) => void
  ) {}

  /** True while someone listens: the connection should join with `detail`. */
  get wanted(): boolean {
    return this.listeners.size > 0
  }

  /** Call `listener` with the ops applied from now on; returns the function that unsubscribes. */
  add(listener: OpListener): () => void {
    this.listeners.add(listener)
    if (this.listeners.size == 1) this.setDetail(true)
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size == 0) this.setDetail(false)
    }
  }

  clear(): void {
    this.listeners.clear()
  }

  /** Ops the connection just applied, in version order. */
  deliver(ops: readonly LeanOp[]): void {
    if (this.listeners.size == 0 || ops.length == 0) return
    const whole = ops.every(isDetailed)
    if (whole && !this.queue) return this.call(ops as readonly CommittedOp[])
    const ready = whole ? Promise.resolve(ops as readonly CommittedOp[]) : this.fetchWhole(ops)
    const next: Promise<void> = (this.queue ?? Promise.resolve())
      .then(() => ready)
      .then(found => this.call(found), () => {})
      .then(() => {
        if (this.queue == next) this.queue = null
      })
    this.queue = next
  }

  private call(ops: readonly CommittedOp[]): void {
    if (ops.length == 0) return
    for (const listener of [...this.listeners]) listener(ops)
  }

  // The whole form of every op, from the op log where it arrived lean; those the log did not give are left out.
  private async fetchWhole(ops: readonly LeanOp[]): Promise<CommittedOp[]> {
    const found = new Map<number, CommittedOp>()
    for (const op of ops) if (isDetailed(op)) found.set(op.version, op)
    const lowest = ops[0].version
    let before = ops[ops.length - 1].version + 1
    while (found.size < ops.length && before > lowest) {
      const page = await this.fetchPage(before, Math.min(before - lowest, limits.maxReadOps))
      for (const op of page.ops) if (op.version >= lowest && op.version < before && !found.has(op.version)) found.set(op.version, op)
      if (page.next == null || page.ops.length == 0) break
      before = page.next
    }
    const result: CommittedOp[] = []
    for (const op of ops) {
      const whole = found.get(op.version)
      if (whole) result.push(whole)
    }
    return result
  }
}
