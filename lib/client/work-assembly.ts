import { ConcordError } from "../protocol/errors"
import type { ListDelta, WorkDelta } from "./work-delta"

/**
 * The writing side of WorkDiffer: applies its deltas, in order, and gives the whole work as the JSON
 * text of SyncClient.work(), which is what LocalStore keeps.
 */
export class WorkAssembly {
  private nextSeq = 1
  private confirmedSeq = 0
  private batch = "null"
  private origins = "[]"
  private readonly inflight: string[] = []
  private readonly pending: string[] = []
  private hasInflight = false

  /** Take in the next delta; throws ERR_LOCAL_STORAGE for one that does not follow what came before. */
  apply(delta: WorkDelta): void {
    if (delta.inflight) {
      const { batch, origins, steps } = delta.inflight
      if (batch === undefined && !this.hasInflight) throw outOfStep("a batch in flight it was never given")
      // A new batch starts its list of steps afresh; the same batch keeps what it had.
      applyList(this.inflight, steps, batch === undefined ? this.inflight.length : 0)
      if (batch !== undefined) this.batch = batch
      if (origins !== undefined) this.origins = origins
    } else this.inflight.length = 0
    applyList(this.pending, delta.pending, this.pending.length)
    this.hasInflight = !!delta.inflight
    this.nextSeq = delta.nextSeq
    this.confirmedSeq = delta.confirmedSeq
  }

  /** The work's JSON text. */
  text(): string {
    const inflight = this.hasInflight ? `{"batch":${this.batch},"steps":[${this.inflight.join(",")}],"origins":${this.origins}}` : "null"
    return `{"nextSeq":${this.nextSeq},"confirmedSeq":${this.confirmedSeq},"inflight":${inflight},"pending":[${this.pending.join(",")}]}`
  }
}

/** Keep `list`'s first `delta.keep` entries, then append; `known` is how many it may keep. */
function applyList(list: string[], delta: ListDelta, known: number): void {
  if (delta.keep > known) throw outOfStep(`${delta.keep} kept steps of ${known}`)
  list.length = delta.keep
  for (const text of delta.add) list.push(text)
}

function outOfStep(what: string): ConcordError {
  return new ConcordError("ERR_LOCAL_STORAGE", `The device's copy of the unsent work is out of step: ${what}`)
}
