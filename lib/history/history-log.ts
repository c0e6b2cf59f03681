import { Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import type { CommittedOp } from "../protocol/messages"

/**
 * The committed ops a history view holds: one run of consecutive versions ending at the newest op
 * seen, grown at the new end by live ops and at the old end by history pages, and trimmed from the
 * old end past `capacity`. Step maps are built lazily and kept with the ops. Pure: the caller fetches.
 */
export class HistoryLog {
  private ops: CommittedOp[] = []
  private maps = new Map<number, StepMap[]>()
  /** Bumped on every change, so that views can tell when to recompute. */
  revision = 0
  /** Bumped when ops are added at the old end or removed: views that follow only the new end start over. */
  epoch = 0
  /** Set once a page said there is nothing older: the log reaches version 1. */
  complete = false

  constructor(private readonly capacity = 5_000) {}

  /** The ops held, oldest first. */
  get all(): readonly CommittedOp[] {
    return this.ops
  }

  /** The oldest version held, or null when empty. */
  get oldest(): number | null {
    return this.ops.length ? this.ops[0].version : null
  }

  /** The newest version held, or null when empty. */
  get newest(): number | null {
    return this.ops.length ? this.ops[this.ops.length - 1].version : null
  }

  /** The op that produced `version`, if held. */
  get(version: number): CommittedOp | undefined {
    const oldest = this.oldest
    return oldest == null ? undefined : this.ops[version - oldest]
  }

  /** True when every op with after < version <= upTo is held. */
  covers(after: number, upTo: number): boolean {
    if (upTo <= after) return true
    const oldest = this.oldest, newest = this.newest
    return oldest != null && newest != null && oldest <= after + 1 && newest >= upTo
  }

  /**
   * Add ops that arrived live, in version order. Ops already held are skipped; returns false (and adds
   * nothing) when they do not follow the newest op held, so the caller must fetch the newest page anew.
   */
  append(ops: readonly CommittedOp[]): boolean {
    const fresh = ops.filter(op => this.newest == null || op.version > this.newest)
    if (!fresh.length) return true
    if (this.newest != null && fresh[0].version != this.newest + 1) return false
    if (fresh.some((op, i) => i > 0 && op.version != fresh[i - 1].version + 1)) return false
    this.ops.push(...fresh)
    this.trim()
    this.revision++
    return true
  }

  /**
   * Add a history page (newest first, as the hub sends it). A page that joins the ops held (or the empty
   * log) is merged in; one that does not replaces them, when it is newer. `next` null marks the start.
   */
  addPage(page: readonly CommittedOp[], next: number | null): void {
    const ascending = [...page].sort((a, b) => a.version - b.version)
    if (!ascending.length) {
      if (next == null && (this.oldest == null || this.oldest <= 1)) this.complete = true
      this.revision++
      return
    }
    const first = ascending[0].version, last = ascending[ascending.length - 1].version
    const oldest = this.oldest, newest = this.newest
    if (oldest == null || newest == null || last < oldest - 1 || first > newest + 1) {
      if (newest != null && last < newest) return
      this.ops = ascending
      this.maps.clear()
      this.complete = false
      this.epoch++
    } else {
      const before = ascending.filter(op => op.version < oldest)
      const after = ascending.filter(op => op.version > newest)
      this.ops = [...before, ...this.ops, ...after]
      if (before.length) this.epoch++
    }
    if (next == null) this.complete = true
    this.trim()
    this.revision++
  }

  /** Forget every op, for a view that starts over. */
  clear(): void {
    this.ops = []
    this.maps.clear()
    this.complete = false
    this.revision++
    this.epoch++
  }

  /** The ops with after < version <= upTo, oldest first, or null when some are not held. */
  range(after: number, upTo: number): CommittedOp[] | null {
    if (!this.covers(after, upTo)) return null
    if (upTo <= after) return []
    const oldest = this.oldest!
    return this.ops.slice(after + 1 - oldest, upTo + 1 - oldest)
  }

  /** The step maps of op `version`, if held. */
  mapsOf(version: number): StepMap[] | null {
    const op = this.get(version)
    if (!op) return null
    let maps = this.maps.get(version)
    if (!maps) {
      maps = op.steps.map(json => Step.fromJSON(schema, json).getMap())
      this.maps.set(version, maps)
    }
    return maps
  }

  /** The step maps that lead from the document at version `from` to the one at `to`, or null when an op is missing. */
  mapsBetween(from: number, to: number): StepMap[] | null {
    if (!this.covers(from, to)) return null
    const maps: StepMap[] = []
    for (let version = from + 1; version <= to; version++) maps.push(...this.mapsOf(version)!)
    return maps
  }

  /** Past capacity, drop the oldest fifth at once, so that trimming (and starting views over) is rare. */
  private trim(): void {
    if (this.ops.length <= this.capacity) return
    const excess = this.ops.length - Math.floor(this.capacity * 0.8)
    for (const op of this.ops.slice(0, excess)) this.maps.delete(op.version)
    this.ops = this.ops.slice(excess)
    this.complete = false
    this.epoch++
  }
}
