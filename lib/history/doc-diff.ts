import type { Node } from "prosemirror-model"
import { AddMarkStep, findWrapping, RemoveMarkStep, Transform, type Step } from "prosemirror-transform"

/** Where two documents differ: from `start` to `endA` in the first, to `endB` in the second. */
interface DiffRange {
  start: number
  endA: number
  endB: number
}

function diffRange(from: Node, to: Node): DiffRange | null {
  const start = from.content.findDiffStart(to.content)
  if (start == null) return null
  let { a: endA, b: endB } = from.content.findDiffEnd(to.content)!
  // Both ends were found independently; where they overlap, push the ends forward past the start.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  return { start, endA, endB }
}

/**
 * Steps that turn `from` into `to`, touching only the range where they differ: in place when that range
 * kept its shape (new block types, attributes, marks), a wrapping when its blocks went into a list or
 * quote, else one replacement of it (the whole document when that does not fit). Empty when the
 * documents are equal.
 */
export function diffDocs(from: Node, to: Node): Step[] {
  const range = diffRange(from, to)
  if (!range) return []
  const found = inPlaceSteps(from, to, range) ?? wrapSteps(from, to, range)
  if (found) return found
  const tr = new Transform(from).replace(range.start, range.endA, to.slice(range.start, range.endB))
  if (tr.doc.eq(to)) return tr.steps
  const whole = new Transform(from).replaceWith(0, from.content.size, to.content)
  return whole.doc.eq(to) ? whole.steps : []
}

/**
 * The steps that wrap from's blocks in the range into the list or quote `to` has there, with the
 * wrappers' attributes set in place after; null when `to` is not such a wrapping.
 */
function wrapSteps(from: Node, to: Node, { start, endA }: DiffRange): Step[] | null {
  const outer = to.nodeAt(start)
  if (!outer || outer.isTextblock || outer.isLeaf || endA <= start + 1) return null
  const blocks = from.resolve(start + 1).blockRange(from.resolve(endA - 1))
  const wrapping = blocks && findWrapping(blocks, outer.type, outer.attrs)
  if (!blocks || !wrapping) return null
  const tr = new Transform(from).wrap(blocks, wrapping)
  const rest = diffRange(tr.doc, to)
  const fixes = rest ? inPlaceSteps(tr.doc, to, rest) : []
  return fixes ? [...tr.steps, ...fixes] : null
}

/**
 * The steps that turn from's range start..end into to's without replacing anything, when the range
 * keeps its shape (every node the same size): a block's new type (setNodeMarkup: "made paragraph 1 a
 * heading"), its changed attributes (AttrStep, so that block ids stay bookkeeping) and its text's marks.
 * Null when the range changed shape, or those steps do not give `to`.
 */
function inPlaceSteps(from: Node, to: Node, { start, endA, endB }: DiffRange): Step[] | null {
  if (endA != endB) return null
  const tr = new Transform(from)
  try {
    to.nodesBetween(start, endB, (node, pos) => {
      if (node.isText) {
        from.nodesBetween(Math.max(pos, start), Math.min(pos + node.nodeSize, endB), (old, oldPos) => {
          if (!old.isText) return
          const lo = Math.max(pos, oldPos, start), hi = Math.min(pos + node.nodeSize, oldPos + old.nodeSize, endB)
          if (lo >= hi) return
          for (const mark of node.marks) if (!mark.isInSet(old.marks)) tr.step(new AddMarkStep(lo, hi, mark))
          for (const mark of old.marks) if (!mark.isInSet(node.marks)) tr.step(new RemoveMarkStep(lo, hi, mark))
        })
        return
      }
      const old = from.nodeAt(pos)
      if (!old || old.isText || old.nodeSize != node.nodeSize) throw new RangeError("The range changed shape")
      if (old.type != node.type) tr.setNodeMarkup(pos, node.type, node.attrs)
      else for (const [name, value] of Object.entries(node.attrs)) if (old.attrs[name] !== value) tr.setNodeAttribute(pos, name, value)
    })
  } catch {
    return null
  }
  return tr.steps.length && tr.doc.eq(to) ? tr.steps : null
}
