import type { Node } from "prosemirror-model"
import { DocAttrStep, type Step } from "prosemirror-transform"
import type { LwwStamp, LwwWrite } from "../protocol/messages"
import { newerStamp, titleRegister } from "./block-writes"

/** A last-writer-wins document's registers and the stamp of the batch being settled (see applyWrites). */
export interface TitleClock {
  stamps: Map<string, LwwStamp>
  stamp: LwwStamp
}

/**
 * Add to what block writes made (`steps` turning the head into `doc`) the steps of the client's batch
 * that set the document's own attributes (its title), which block writes do not carry: they apply as
 * they are, in hub order, so the rename the hub receives last wins. With `clock` (a last-writer-wins
 * document), a rename is a write of the title's register like any block's: it applies only when its
 * stamp is newer than the one that last renamed (`clock.stamps`, updated in place), and is recorded
 * either way, a discarded one with the stamp that beat it. Throws RangeError when one fails.
 */
export function withDocAttrSteps(applied: { steps: Step[]; doc: Node }, batch: readonly Step[], clock?: TitleClock): { steps: Step[]; doc: Node; records: LwwWrite[] } {
  let { steps, doc } = applied
  const records: LwwWrite[] = []
  for (const step of batch) {
    if (!(step instanceof DocAttrStep)) continue
    if (clock && step.attr == "title") {
      const text = typeof step.value == "string" ? step.value : ""
      const current = clock.stamps.get(titleRegister)
      if (current && !newerStamp(clock.stamp, current)) {
        records.push({ block: titleRegister, stamp: clock.stamp, won: false, text, beatenBy: current })
        continue
      }
      clock.stamps.set(titleRegister, clock.stamp)
      records.push({ block: titleRegister, stamp: clock.stamp, won: true, text })
    }
    const result = step.apply(doc)
    if (!result.doc) throw new RangeError(result.failed ?? "The document attribute step does not apply")
    steps = [...steps, step]
    doc = result.doc
  }
  return { steps, doc, records }
}
