import { type Node, Slice } from "prosemirror-model"
import { ReplaceStep } from "prosemirror-transform"
import { diffRange } from "./diff-range"

/**
 * One replace step that makes `after` from `before`, over the range where they differ: for changes that
 * are one to the editor and its undo history but several on the wire (a deletion split around others'
 * typing, see splitAround). Where that range's content does not fit (its ends at depths the replace
 * cannot join), the step replaces the whole content.
 */
export function combinedStep(before: Node, after: Node): ReplaceStep {
  const range = diffRange(before, after)
  if (!range) return new ReplaceStep(0, 0, Slice.empty)
  try {
    const step = new ReplaceStep(range.start, range.endA, after.slice(range.start, range.endB))
    if (step.apply(before).doc?.eq(after)) return step
  } catch {
    // The slice's open ends do not fit there (ReplaceError): the whole content below.
  }
  return wholeReplace(before, after)
}

/** The step that replaces the whole content of `before` with that of `after`. */
export function wholeReplace(before: Node, after: Node): ReplaceStep {
  return new ReplaceStep(0, before.content.size, new Slice(after.content, 0, 0))
}
