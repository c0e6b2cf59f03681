import type { Step } from "prosemirror-transform"
import type { Batch, UnconfirmedView } from "../ot/sync-client"

/** A change to a list of JSON texts: keep its first `keep` entries, then append `add`. */
export interface ListDelta {
  keep: number
  add: string[]
}

/**
 * A change to a leader's unconfirmed work (SyncClient.work()) as JSON text, against the delta before it
 * from the same WorkDiffer. A keystroke typed offline carries its own step only; `batch` is left out
 * while the batch in flight stays the same, and `origins` while its steps do.
 */
export interface WorkDelta {
  nextSeq: number
  confirmedSeq: number
  inflight: { batch?: string; origins?: string; steps: ListDelta } | null
  pending: ListDelta
}

/**
 * Turns a leader's work into deltas, each against the one before: ProseMirror's steps are immutable and
 * shared from one state to the next, so the steps a delta keeps are those still the same objects, and
 * each step is turned into JSON once. A delta costs the steps it carries, and a comparison of the
 * steps it keeps (no copy of them).
 */
export class WorkDiffer {
  private readonly stepText = new WeakMap<Step, string>()
  private batch: Batch | null = null
  /** The steps the deltas so far carried, in flight and pending. */
  private readonly inflight: Step[] = []
  private readonly pending: Step[] = []

  /** The change from the work of the last delta to `work`. */
  delta(work: UnconfirmedView): WorkDelta {
    const pending = this.list(this.pending, work.pending)
    if (!work.inflight) {
      this.batch = null
      this.inflight.length = 0
      return { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight: null, pending }
    }
    const sameBatch = work.inflight.batch === this.batch
    if (!sameBatch) this.inflight.length = 0
    const before = this.inflight.length
    const steps = this.list(this.inflight, work.inflight.steps)
    this.batch = work.inflight.batch
    const changed = !sameBatch || steps.add.length > 0 || steps.keep < before
    const inflight = {
      ...(sameBatch ? {} : { batch: JSON.stringify(work.inflight.batch) }),
      ...(changed ? { origins: JSON.stringify(work.inflight.steps.map(u => u.origin)) } : {}),
      steps
    }
    return { nextSeq: work.nextSeq, confirmedSeq: work.confirmedSeq, inflight, pending }
  }

  /** Forget what the deltas so far carried: the next one carries the whole work (after a write failed). */
  reset(): void {
    this.batch = null
    this.inflight.length = 0
    this.pending.length = 0
  }

  /** The delta from `sent` to `now`; `sent` becomes `now`'s steps. */
  private list(sent: Step[], now: readonly { readonly step: Step }[]): ListDelta {
    let keep = 0
    const same = Math.min(sent.length, now.length)
    while (keep < same && sent[keep] === now[keep].step) keep++
    sent.length = keep
    const add: string[] = []
    for (let i = keep; i < now.length; i++) {
      sent.push(now[i].step)
      add.push(this.text(now[i].step))
    }
    return { keep, add }
  }

  private text(step: Step): string {
    let known = this.stepText.get(step)
    if (known === undefined) this.stepText.set(step, (known = JSON.stringify(step.toJSON())))
    return known
  }
}
