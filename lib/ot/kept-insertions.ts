import { Fragment, type Node, type NodeType, Slice } from "prosemirror-model"
import { ReplaceAroundStep, ReplaceStep, StepMap, type Step } from "prosemirror-transform"
import { withinTextblock } from "../schema/within-textblock"
import { innermostAt } from "../schema/innermost"
import { isStructureReplace } from "./structure-replace"
import type { InsertedRange, InsertedRanges } from "./inserted-ranges"
import { safeApply } from "./apply-step"

/** Whether a step may delete something (a replace or replace-around step over a range): only such steps are split around concurrent insertions. */
export function mayDelete(step: Step): step is ReplaceStep | ReplaceAroundStep {
  return (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) && step.to > step.from
}

/** Ranges in order, those that touch or overlap merged. */
function mergeRanges(ranges: readonly { from: number; to: number }[]): { from: number; to: number }[] {
  const merged: { from: number; to: number }[] = []
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1]
    if (last && range.from <= last.to) last.to = Math.max(last.to, range.to)
    else merged.push({ ...range })
  }
  return merged
}

/**
 * A transformed replace step split around concurrent insertions: its pieces in the order they apply,
 * and their map as one. `moved` holds where, in the document after them, the step put concurrent
 * typing it could not go around (typingPutBack): the map counts that text as the step's own.
 * `extends` says that the one step is the step split with text added at the end of what it inserts,
 * so that a position inside what the step inserted keeps its offset there (the map mirrors the step's).
 */
export interface SplitStep {
  steps: Step[]
  map: StepMap
  moved?: InsertedRange[]
  extends?: boolean
}

/** Follow `inserted` through `split`, the text it moved included (a step over that text later must keep it too). */
export function followSplit(inserted: InsertedRanges, split: SplitStep): void {
  inserted.map(split.map)
  for (const range of split.moved ?? []) inserted.add(range.from, range.to, range.rank)
}

/**
 * `step`, a step transformed over concurrent changes and about to apply to `doc`, as several
 * that delete what it deletes except the text `inserted` holds (what those changes typed into its
 * range), or null when it deletes none of that (or is no replace step). The pieces apply
 * from the last to the first, so that each one's positions hold on the document the one before made;
 * the first piece (applied last) inserts the step's content, where the step began.
 *
 * Within one textblock, around one insertion (the usual case: one person typing) the pieces are one
 * ReplaceAroundStep, whose gap is that insertion: one step for one, so that undo history and the
 * step's mirror stay paired with it. A step left with nothing to do (everything in its range was typed
 * concurrently, what it deleted already gone) has no pieces: it is to be dropped, as mapStep drops a
 * deletion of text already gone. A step made this way before (a client's own deletion, predicted
 * around typing and sent later) is split again around what was typed into it since: its gap counts as
 * kept.
 *
 * A step whose own parts each lie inside one textblock, every block boundary in its range being the
 * typing's (paragraphs pasted, a line broken inside what it deletes), deletes those parts in pieces
 * and leaves the typing whole, its blocks included.
 *
 * Across textblocks, a replace step from inside one to inside another is split around typing that
 * lies inside textblocks, into replace steps: each piece joins the blocks at its ends as the step
 * joined its own, so the typing ends up in the one block the step leaves, between what it kept of its
 * first block and of its last. Where pieces cannot do that (blocks of other depths, a quote or list
 * between the ends, a range from or to a place between blocks, typing that made blocks), the step goes
 * whole, and a step after it puts the text of that typing back where it closed (typingPutBack): the
 * blocks go as the deleter meant, the words stay. A replace-around step across blocks is not split.
 */
export function splitAround(doc: Node, step: Step, inserted: InsertedRanges): SplitStep | null {
  if (!mayDelete(step) || isStructureReplace(step)) return null
  const { slice } = step
  let { from, to } = step
  const typed = inserted.within(from, to)
  if (!typed.length) return null
  const gap = step instanceof ReplaceAroundStep ? step : null
  if (!withinTextblock(doc, from, to)) {
    // Only the typing crosses blocks (paragraphs pasted, a line broken, inside what the step deletes):
    // the step deletes its own parts around it, and the blocks that typing made stay.
    const around = gap ? null : aroundTypedBlocks(doc, from, to, typed, slice)
    if (around) return around
    if (gap || !typed.every(range => withinTextblock(doc, range.from, range.to))) return typingPutBack(doc, step, typed)
    if (!betweenTextblocks(doc, from, to)) {
      // Whole textblocks deleted (selected by the line, say) that others typed into: deleted from inside
      // the first to inside the last, so that the first's shell holds their typing, as it does for a
      // deletion ending inside its textblocks.
      const inner = slice.size ? null : innerEnds(doc, from, to)
      if (!inner) return typingPutBack(doc, step, typed)
      ;({ from, to } = inner)
    }
    if (!withinTextblock(doc, from, to)) {
      const split = pieces(from, to, typed, slice)
      return piecesApply(doc, split.steps) ? split : typingPutBack(doc, step, typed)
    }
  }
  if (gap && gap.insert != slice.size) return null
  const kept = gap ? mergeRanges([...typed, { from: gap.gapFrom, to: gap.gapTo }]) : typed
  // Nothing of what the step saw is left to delete, and nothing to insert: it is to be dropped.
  if (!slice.size && kept.reduce((n, range) => n + range.to - range.from, 0) == to - from) return { steps: [], map: new StepMap([]) }
  if (kept.length == 1) {
    const around = new ReplaceAroundStep(from, to, kept[0].from, kept[0].to, slice, slice.size)
    return { steps: [around], map: around.getMap() }
  }
  return pieces(from, to, kept, slice)
}

/**
 * The pieces of a step deleting from..to except `typed`, when each part it deletes itself lies inside
 * one textblock (every block boundary in its range is the typing's) and they apply; else null.
 */
function aroundTypedBlocks(doc: Node, from: number, to: number, typed: readonly InsertedRange[], slice: Slice): SplitStep | null {
  const split = pieces(from, to, mergeRanges(typed), slice)
  const inside = split.steps.every(piece => {
    const { from, to } = piece as ReplaceStep
    return from == to || withinTextblock(doc, from, to)
  })
  return inside && piecesApply(doc, split.steps) ? split : null
}

/** True when `steps` apply one after the other to `doc`. */
function piecesApply(doc: Node, steps: readonly Step[]): boolean {
  let at: Node | null = doc
  for (let i = 0; i < steps.length && at; i++) at = steps[i].apply(at).doc
  return at != null
}

/**
 * `step`, a deletion across blocks that pieces cannot make around others' typing (blocks of other
 * depths, which ProseMirror deletes with a replace-around step; a quote or list between its ends; a
 * range from or to a place between blocks; typing that made blocks), as one step of the same kind and
 * range that also puts the text of that typing (`typed`: its ranges, whose text inside textblocks
 * counts) where each part it deletes closes, after what it puts there: their words stay, in the block
 * the deletion leaves, and the blocks go as the deleter meant. One step, so that the deleter's undo
 * history pairs with it, and undo puts everything back where it was. Null when nothing of the typing
 * is text, or the text does not fit there.
 *
 * The text goes in the order of the changes that typed it (their rank), then of the document: a
 * client that rebases its deletion over one change and then over the next appends the next one's
 * text to what the step already put back, and the hub, transforming the deletion over both at once,
 * makes the same step, so that the client's prediction is what commits.
 */
function typingPutBack(doc: Node, step: ReplaceStep | ReplaceAroundStep, typed: readonly InsertedRange[]): SplitStep | null {
  const { slice } = step
  // Whether the step may only replace what it knows to be structure (its JSON says; the field is not public).
  const structure = (step.toJSON() as { structure?: boolean }).structure === true
  const ranked = [...typed].sort((a, b) => a.rank - b.rank)
  let result: Step | null
  let moved: InsertedRange[]
  if (step instanceof ReplaceAroundStep) {
    const first = textBetween(doc, ranked, step.from, step.gapFrom), last = textBetween(doc, ranked, step.gapTo, step.to)
    if (!first.text.size && !last.text.size) return null
    const content = insertInto(insertInto(slice.content, slice.content.size - slice.openEnd, last.text), step.insert + slice.openStart, first.text)
    result = content && new ReplaceAroundStep(step.from, step.to, step.gapFrom, step.gapTo, new Slice(content, slice.openStart, slice.openEnd), step.insert + first.text.size, structure)
    // `first` where the gap goes, then the gap; `last` at the end of the slice, after both.
    const firstAt = step.from + step.insert, lastAt = step.from + slice.size + first.text.size + (step.gapTo - step.gapFrom)
    moved = [{ from: firstAt, to: firstAt + first.text.size, rank: first.rank }, { from: lastAt, to: lastAt + last.text.size, rank: last.rank }]
  } else {
    const { text, rank } = textBetween(doc, ranked, step.from, step.to)
    if (!text.size) return null
    // Without a slice, the text goes into the block where the range begins.
    const content = slice.size ? insertInto(slice.content, slice.content.size - slice.openEnd, text) : inBlockAt(doc, step.from, text)
    result = content && new ReplaceStep(step.from, step.to, slice.size ? new Slice(content, slice.openStart, slice.openEnd) : new Slice(content, 0, 0), structure)
    // At the end of the slice, inside the node open there.
    moved = [{ from: step.from + slice.size, to: step.from + slice.size + text.size, rank }]
  }
  if (!result || !safeApply(result, doc).doc) return null
  return { steps: [result], map: result.getMap(), moved: moved.filter(range => range.to > range.from), extends: result instanceof ReplaceStep }
}

/**
 * `content` with `insert` put in at `pos` (inside the node there, however deep), without the marks
 * the node it goes into does not take (a code block takes none), or null when that is not a place
 * for it. `parent` is the node type `content` is the content of, when known.
 */
function insertInto(content: Fragment | null, pos: number, insert: Fragment, parent?: NodeType): Fragment | null {
  if (!content || !insert.size) return content
  let index = 0, offset = 0
  while (index < content.childCount && offset + content.child(index).nodeSize <= pos) offset += content.child(index++).nodeSize
  const child = index < content.childCount ? content.child(index) : null
  if (offset == pos || child!.isText) return content.cut(0, pos).append(parent ? allowedIn(parent, insert) : insert).append(content.cut(pos))
  const inner = insertInto(child!.content, pos - offset - 1, insert, child!.type)
  return inner && content.replaceChild(index, child!.copy(inner))
}

/** `inline` as it goes into the textblock around `pos`: without the marks that block does not take. */
function inBlockAt(doc: Node, pos: number, inline: Fragment): Fragment {
  const block = doc.resolve(pos).parent
  return block.isTextblock ? allowedIn(block.type, inline) : inline
}

/** `inline` without the marks a node of `type` does not take. */
function allowedIn(type: NodeType, inline: Fragment): Fragment {
  const nodes: Node[] = []
  inline.forEach(node => nodes.push(node.mark(type.allowedMarks(node.marks))))
  return Fragment.fromArray(nodes)
}

/**
 * The inline content of `ranges` between from and to, inside textblocks, one range after the other
 * in the order given, and the lowest rank of those that hold some.
 */
function textBetween(doc: Node, ranges: readonly InsertedRange[], from: number, to: number): { text: Fragment; rank: number } {
  let text = Fragment.empty, rank = Infinity
  for (const range of ranges) {
    const start = Math.max(from, range.from), end = Math.min(to, range.to)
    if (end <= start) continue
    const before = text.size
    doc.nodesBetween(start, end, (node, pos) => {
      if (!node.isTextblock) return true
      text = text.append(node.content.cut(Math.max(0, start - pos - 1), Math.min(node.content.size, end - pos - 1)))
      return false
    })
    if (text.size > before) rank = Math.min(rank, range.rank)
  }
  return { text, rank }
}

/**
 * For a range that starts right before a textblock and ends right after one (at the same depth), the
 * range from inside the first to inside the last; null for any other range.
 */
function innerEnds(doc: Node, from: number, to: number): { from: number; to: number } | null {
  const $from = doc.resolve(from), $to = doc.resolve(to)
  if ($from.depth != $to.depth || !$from.nodeAfter?.isTextblock || !$to.nodeBefore?.isTextblock) return null
  return { from: from + 1, to: to - 1 }
}

/** True when from and to both lie inside textblocks (different ones). */
function betweenTextblocks(doc: Node, from: number, to: number): boolean {
  return innermostAt(doc, from).node.isTextblock && innermostAt(doc, to).node.isTextblock
}

/** Replace steps deleting from..to but the `kept` ranges (in order, inside it), the first inserting `slice`. */
function pieces(from: number, to: number, kept: readonly { from: number; to: number }[], slice: Slice): SplitStep {
  // The ranges left to delete, in document order; the first keeps the step's content even when empty.
  const left: { from: number; to: number }[] = []
  let at = from
  for (const range of kept) {
    if (range.from > at || left.length == 0) left.push({ from: at, to: range.from })
    at = range.to
  }
  if (to > at) left.push({ from: at, to })
  const steps: ReplaceStep[] = []
  const ranges: number[] = []
  left.forEach((piece, i) => {
    const content = i == 0 ? slice : Slice.empty
    if (piece.to == piece.from && content.size == 0) return
    steps.unshift(new ReplaceStep(piece.from, piece.to, content))
    ranges.push(piece.from, piece.to - piece.from, content.size)
  })
  return { steps, map: new StepMap(ranges) }
}
