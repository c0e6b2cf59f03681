import type { Step } from "prosemirror-transform"
import type { Batch, UnconfirmedView } from "../ot/sync-client"
import { markedStepJSON } from "../ot/restores-meta"

/** A change to a list of JSON texts: keep its first `keep` entries, then append `add`. */
export interface ListDelta {
  keep: number
  add: string[]
}

/**
 * A change to a leader's unconfirmed work (SyncClient.work()), against the delta before it from the
 * same WorkDiffer. Its steps are one list, those in flight first: sending a batch moves none of them,
 * and a keystroke typed offline carries its own step only. `batch` (its JSON text) is left out while
 * the batch in flight stays the same, and `origins` while its steps do.
 */
export interface WorkDelta {
  nextSeq: number
  confirmedSeq: number
  inflight: { batch?: string; origins?: string; count: number } | null
  steps: ListDelta
}

/** An unconfirmed step as the work holds it: the step, and the version it restores when it is part of a restore. */
type Kept = { readonly step: Step; readonly restores?: number }

/**
 * Turns a leader's work into deltas, each against the one before: ProseMirror's steps are immutable and
 * shared from one state to the next, so the steps a delta keeps are those still the same objects, and
 * each step is turned into JSON once. A delta costs the steps it carries, and a comparison of the
 * steps it keeps (no copy of them).
 */
export class WorkDiffer {
  private readonly stepText = new WeakMap<Step, string>()
  private batch: Batch | null = null
  /** The steps the deltas so far carried, in flight then pending. */
  private readonly sent: Step[] = []

  /** The change from the work of the last delta to `work`. */
  delta(work: UnconfirmedView): WorkDelta {
    const inflightSteps = work.inflight ? work.inflight.steps : []
    const steps = this.list([inflightSteps, work.pending])
    const { nextSeq, confirmedSeq } = work
    if (!work.inflight) {
      this.batch = null
      return { nextSeq, confirmedSeq, inflight: null, steps }
    }
    const sameBatch = work.inflight.batch === this.batch
    this.batch = work.inflight.batch
    const moved = !sameBatch || steps.keep < inflightSteps.length
    const inflight = {
      ...(sameBatch ? {} : { batch: JSON.stringify(work.inflight.batch) }),
      ...(moved ? { origins: JSON.stringify(inflightSteps.map(u => u.origin)) } : {}),
      count: inflightSteps.length
    }
    return { nextSeq, confirmedSeq, inflight, steps }
  }

  /** Forget what the deltas so far carried: the next one carries the whole work (after a write failed). */
  reset(): void {
    this.batch = null
    this.sent.length = 0
  }

  /** The delta from the steps sent to those of `lists`, one after the other; the steps sent become these. */
  private list(lists: readonly (readonly Kept[])[]): ListDelta {
    const appended = this.appended(lists)
    if (appended) return appended
    let keep = 0
    let compared = true
    const add: string[] = []
    let at = 0
    for (const list of lists) {
      for (const kept of list) {
        const step = kept.step
        if (compared && at < this.sent.length && this.sent[at] === step) keep = ++at
        else {
          if (compared) this.sent.length = at
          compared = false
          this.sent.push(step)
          add.push(this.text(kept))
          at++
        }
      }
    }
    if (compared) this.sent.length = at
    return { keep, add }
  }

  /**
   * The delta when the steps sent are all still there and only steps after them are new, found without
   * comparing every one: a SyncClient only appends steps, moves them from pending to in flight in
   * order, or replaces them all (a rebase or a restore makes new ones), so when the first and the last
   * step sent are still in their places, so is every step between. Null otherwise.
   */
  private appended(lists: readonly (readonly Kept[])[]): ListDelta | null {
    const sent = this.sent.length
    const [first, second] = lists
    const at = (i: number) => i < first.length ? first[i] : second[i - first.length]
    if (!sent || first.length + second.length < sent || at(0)?.step !== this.sent[0] || at(sent - 1)?.step !== this.sent[sent - 1]) return null
    const add: string[] = []
    for (let i = sent; i < first.length + second.length; i++) {
      const kept = at(i)
      this.sent.push(kept.step)
      add.push(this.text(kept))
    }
    return { keep: sent, add }
  }

  // A step keeps its mark for life (a rebase makes new steps), so its text is cached by the step alone.
  private text({ step, restores }: Kept): string {
    let known = this.stepText.get(step)
    if (known === undefined) this.stepText.set(step, (known = JSON.stringify(markedStepJSON(step, restores))))
    return known
  }
}
