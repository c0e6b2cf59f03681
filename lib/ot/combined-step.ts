import { type Node, Slice } from "prosemirror-model"
import { ReplaceStep } from "prosemirror-transform"

/**
 * One replace step that makes `after` from `before`, over the range where they differ: for changes that
 * are one to the editor and its undo history but several on the wire (a deletion split around others'
 * typing, see splitAround). Where that range's content does not fit (its ends at depths the replace
 * cannot join), the step replaces the whole content.
 */
export function combinedStep(before: Node, after: Node): ReplaceStep {
  const start = before.content.findDiffStart(after.content)
  if (start == null) return new ReplaceStep(0, 0, Slice.empty)
  let { a: endA, b: endB } = before.content.findDiffEnd(after.content)!
  // A change next to equal content (deleting one "a" of "aa") puts the end before the start.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  try {
    const step = new ReplaceStep(start, endA, after.slice(start, endB))
    if (step.apply(before).doc?.eq(after)) return step
  } catch {
    // The slice's open ends do not fit there (ReplaceError): the whole content below.
  }
  return new ReplaceStep(0, before.content.size, new Slice(after.content, 0, 0))
}
