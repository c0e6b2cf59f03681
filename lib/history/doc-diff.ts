import { Fragment, Slice, type Node } from "prosemirror-model"
import { AddMarkStep, findWrapping, RemoveMarkStep, Transform, type Step } from "prosemirror-transform"
import { diffRange, type DiffRange } from "../ot/diff-range"
import { blockChunks, childStarts } from "../schema/block-chunks"

/** Top-level blocks matched further than this (both sides' counts multiplied) are diffed as one run. */
const maxMatchedBlocks = 250_000

/**
 * Steps that turn `from` into `to`, touching only what differs: top-level blocks are matched (by id,
 * in order) and each changed one, or each run of blocks added or removed, is changed on its own, last
 * first, so that a block the same in both is never replaced, and others' typing in it while the steps
 * travel stays where it was typed. Each change is made as diffRangeSteps makes it, a long run of new
 * blocks a chunk at a time (blockChunks). Empty when the documents are equal.
 */
export function diffDocs(from: Node, to: Node): Step[] {
  try {
    return segmentSteps(from, to, changedSegments(from, to)) ?? diffRangeSteps(from, to)
  } catch {
    // A run of blocks the schema does not take where it is on its own: as one range.
    return diffRangeSteps(from, to)
  }
}

/** The steps of diffDocs, segment by segment, last first; null when they do not give `to`. */
function segmentSteps(from: Node, to: Node, segments: readonly Segment[]): Step[] | null {
  const tr = new Transform(from)
  // Where each top-level block of `from` starts: nothing before a segment has moved when it is changed,
  // the segments after it being changed first.
  const starts = childStarts(from)
  for (let k = segments.length - 1; k >= 0; k--) {
    const { aFrom, aTo, bFrom, bTo } = segments[k]
    const start = starts[aFrom], end = starts[aTo]
    // The blocks that replace the run, a chunk at a time (each a step of its own, see blockChunks).
    let at = start
    for (const [i, [first, last]] of blockChunks(to, bFrom, bTo).entries()) {
      const chunk = Fragment.fromArray(to.children.slice(first, last))
      const target = tr.doc.replace(at, i == 0 ? end : at, new Slice(chunk, 0, 0))
      const steps = diffRangeSteps(tr.doc, target)
      if (!steps.length && !target.eq(tr.doc)) return null
      for (const step of steps) tr.step(step)
      at += chunk.size
    }
  }
  return tr.doc.eq(to) ? tr.steps : null
}

/** A run of top-level blocks, `aFrom..aTo` in one document, that becomes `bFrom..bTo` in the other. */
interface Segment {
  aFrom: number
  aTo: number
  bFrom: number
  bTo: number
}

/**
 * The runs of top-level blocks that differ between `a` and `b`, in order, once the blocks they share
 * are matched: a block pairs with the one of the same id (the same node, for blocks without one) in
 * the longest order-keeping matching; when there are more to match than maxMatchedBlocks allows, the
 * whole middle between the blocks the same at both ends is one run.
 */
function changedSegments(a: Node, b: Node): Segment[] {
  let head = 0
  while (head < a.childCount && head < b.childCount && a.child(head).eq(b.child(head))) head++
  let tail = 0
  while (tail < a.childCount - head && tail < b.childCount - head && a.child(a.childCount - 1 - tail).eq(b.child(b.childCount - 1 - tail))) tail++
  const n = a.childCount - head - tail, m = b.childCount - head - tail
  // Too many to match: the whole middle is one run.
  if (n * m > maxMatchedBlocks) return [{ aFrom: head, aTo: head + n, bFrom: head, bTo: head + m }]
  const key = (node: Node) => (typeof node.attrs.id == "string" ? node.attrs.id : null)
  const same = (i: number, j: number) => {
    const x = a.child(head + i), y = b.child(head + j)
    const kx = key(x)
    return kx != null ? kx == key(y) : x.eq(y)
  }
  // Longest common subsequence of the middle blocks, by the table of suffixes.
  const width = m + 1
  const table = new Uint32Array((n + 1) * width)
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i * width + j] = same(i, j) ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1])
  const segments: Segment[] = []
  let i = 0, j = 0, runA = 0, runB = 0
  const close = () => {
    if (runA < i || runB < j) segments.push({ aFrom: head + runA, aTo: head + i, bFrom: head + runB, bTo: head + j })
  }
  while (i < n || j < m) {
    if (i < n && j < m && same(i, j)) {
      close()
      // A matched block that changed is a segment of its own.
      if (!a.child(head + i).eq(b.child(head + j))) segments.push({ aFrom: head + i, aTo: head + i + 1, bFrom: head + j, bTo: head + j + 1 })
      i++
      j++
      runA = i
      runB = j
    } else if (j < m && (i == n || table[i * width + j + 1] >= table[(i + 1) * width + j])) j++
    else i++
  }
  close()
  return segments
}

/**
 * Steps that turn `from` into `to`, touching only the range where they differ: in place when that range
 * kept its shape (new block types, attributes, marks), a wrapping when its blocks went into a list or
 * quote, else one replacement of it (the whole document when that does not fit). Empty when the
 * documents are equal.
 */
function diffRangeSteps(from: Node, to: Node): Step[] {
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
