import type { CommittedOp, DroppedStep } from "../protocol/messages"

/**
 * True for a dropped step that only gave a block its id (block-id bookkeeping, which every tab adds
 * after a new block): nobody wrote it, and nothing of anyone's is lost with it.
 */
export function idBookkeeping(dropped: Pick<DroppedStep, "step">): boolean {
  const step = dropped.step as { stepType?: string; attr?: string }
  return step.stepType == "attr" && step.attr == "id"
}

/** The dropped steps of `op` that the history shows and counts: all but block-id bookkeeping. */
export function shownDrops(op: Pick<CommittedOp, "dropped">): DroppedStep[] {
  return (op.dropped ?? []).filter(d => !idBookkeeping(d))
}
