import type { CommittedOp, DroppedStep } from "../protocol/messages"
import { setsBlockId } from "../ot/step-info"

/** The dropped steps of `op` that the history shows and counts: all but block-id bookkeeping (setsBlockId). */
export function shownDrops(op: Pick<CommittedOp, "dropped">): DroppedStep[] {
  return (op.dropped ?? []).filter(d => !setsBlockId(d.step))
}
