import type { Node } from "prosemirror-model"
import { AddMarkStep, RemoveMarkStep, Transform, type Step } from "prosemirror-transform"

/**
 * Steps that turn `from` into `to`, touching only the range where they differ: mark steps when only
 * the formatting of that range changed, else one replacement of it (the whole document when that does
 * not fit). Empty when the documents are equal.
 */
export function diffDocs(from: Node, to: Node): Step[] {
  const start = from.content.findDiffStart(to.content)
  if (start == null) return []
  let { a: endA, b: endB } = from.content.findDiffEnd(to.content)!
  // Both ends were found independently; where they overlap, push the ends forward past the start.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  const marks = markSteps(from, to, start, endA, endB)
  if (marks) return marks
  const tr = new Transform(from).replace(start, endA, to.slice(start, endB))
  if (tr.doc.eq(to)) return tr.steps
  const whole = new Transform(from).replaceWith(0, from.content.size, to.content)
  return whole.doc.eq(to) ? whole.steps : []
}

/** The mark steps that turn from's range start..end into to's, when that range differs only in its text's marks; else null. */
function markSteps(from: Node, to: Node, start: number, endA: number, endB: number): Step[] | null {
  if (endA != endB) return null
  const tr = new Transform(from)
  to.nodesBetween(start, endB, (node, pos) => {
    if (!node.isText) return
    from.nodesBetween(Math.max(pos, start), Math.min(pos + node.nodeSize, endB), (old, oldPos) => {
      if (!old.isText) return
      const lo = Math.max(pos, oldPos, start), hi = Math.min(pos + node.nodeSize, oldPos + old.nodeSize, endB)
      if (lo >= hi) return
      for (const mark of node.marks) if (!mark.isInSet(old.marks)) tr.step(new AddMarkStep(lo, hi, mark))
      for (const mark of old.marks) if (!mark.isInSet(node.marks)) tr.step(new RemoveMarkStep(lo, hi, mark))
    })
  })
  return tr.steps.length && tr.doc.eq(to) ? tr.steps : null
}
