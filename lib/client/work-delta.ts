import type { Step } from "prosemirror-transform"
import type { Batch, UnconfirmedSteps } from "../ot/sync-client"

/** A change to a list of JSON texts: keep its first `keep` entries, then append `add`. */
export interface ListDelta {
  keep: number
  add: string[]
}

/**
 * A change to a leader's unconfirmed work (SyncClient.work()) as JSON text, against the delta before it
 * from the same WorkDiffer. A keystroke typed offline carries its own step only; `batch` is left out
 * while the batch in flight stays the same.
 */
export interface WorkDelta {
  nextSeq: number
  confirmedSeq: number
  inflight: { batch?: string; origins: string; steps: ListDelta } | null
  pending: ListDelta
}

/**
 * Turns a leader's work into deltas, each against the one before: ProseMirror's steps are immutable and
 * shared from one state to the next, so the steps a delta keeps are those still the same objects, and
 * each step is turned into JSON once.
 */
export class WorkDiffer {
  private readonly stepText = new WeakMap<Step, string>()
  private batch: Batch | null = null
  private inflight: readonly Step[] = []
  private pending: readonly Step[] = []

  /** The change from the work of the last delta to `work`. */
  delta(work: UnconfirmedSteps): WorkDelta {
    const pending = this.list(this.pending, work.pending)
    this.pending = work.pending
    if (!work.inflight) {
      this.batch = null
      this.inflight = []
      return { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight: null, pending }
    }
    const sameBatch = work.inflight.batch === this.batch
    const steps = this.list(sameBatch ? this.inflight : [], work.inflight.steps)
    this.batch = work.inflight.batch
    this.inflight = work.inflight.steps
    const inflight = { ...(sameBatch ? {} : { batch: JSON.stringify(work.inflight.batch) }), origins: JSON.stringify(work.inflight.origins), steps }
    return { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight, pending }
  }

  /** Forget what the deltas so far carried: the next one carries the whole work (after a write failed). */
  reset(): void {
    this.batch = null
    this.inflight = []
    this.pending = []
  }

  private list(before: readonly Step[], now: readonly Step[]): ListDelta {
    let keep = 0
    const same = Math.min(before.length, now.length)
    while (keep < same && before[keep] === now[keep]) keep++
    return { keep, add: now.slice(keep).map(step => this.text(step)) }
  }

  private text(step: Step): string {
    let known = this.stepText.get(step)
    if (known === undefined) this.stepText.set(step, (known = JSON.stringify(step.toJSON())))
    return known
  }
}
