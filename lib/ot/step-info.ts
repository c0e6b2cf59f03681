import { AddMarkStep, AddNodeMarkStep, AttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import type { StepJSON } from "../protocol/messages"

/**
 * True for a step (as JSON) that only gives a block its id: bookkeeping every tab adds after a new
 * block (lib/schema's block ids), which nobody wrote and whose loss loses nothing of anyone's.
 */
export function setsBlockId(step: StepJSON): boolean {
  return step.stepType == "attr" && step.attr == "id"
}

/** The range a step acts on, in the coordinates of the document it applies to. */
export function stepRange(step: Step): { from: number; to: number } {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep)
    return { from: step.from, to: step.to }
  if (step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep)
    return { from: step.pos, to: step.pos }
  return { from: 0, to: 0 }
}

/**
 * True when two steps insert the same content in the same way (same kind of step, equal slices, the
 * same split around a gap), so that every position inside one's insertion has its counterpart in the
 * other's. A Mapping mirror between a step's inverse and another step assumes exactly that when it
 * recovers positions; a step refitted by the replace algorithm usually inserts something else, and
 * positions recovered through such a mirror land on the wrong nodes. Steps that insert nothing match.
 * A replace step split around text typed into its range (a ReplaceAroundStep whose gap goes after its
 * content, see splitAround) inserts the same content the same way.
 */
export function sameInsertion(a: Step, b: Step): boolean {
  if (a instanceof ReplaceStep && b instanceof ReplaceAroundStep) return b.insert == b.slice.size && a.slice.eq(b.slice)
  if (a instanceof ReplaceStep) return b instanceof ReplaceStep && a.slice.eq(b.slice)
  if (a instanceof ReplaceAroundStep) return b instanceof ReplaceAroundStep && a.insert == b.insert && a.slice.eq(b.slice)
  return !(b instanceof ReplaceStep || b instanceof ReplaceAroundStep)
}

/** The text a step inserts, blocks separated by newlines; empty for steps that insert none. */
export function stepText(step: Step): string {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) {
    const content = step.slice.content
    return content.textBetween(0, content.size, "\n", "\n")
  }
  return ""
}

/** True when `step` inserts something over an empty range, replacing nothing: typing, a pasted block. */
export function isInsertion(step: Step): step is ReplaceStep {
  return step instanceof ReplaceStep && step.from == step.to && step.slice.size > 0
}

/**
 * True when `step.invert(doc)` reads the document before the step. Only a pure insertion (a replace
 * step over an empty range) inverts the same on any document: its inverse deletes what it inserted.
 */
export function invertReadsDoc(step: Step): boolean {
  return !(step instanceof ReplaceStep && step.from == step.to)
}
