import { type Node, Slice } from "prosemirror-model"
import { ReplaceAroundStep, ReplaceStep, StepMap, type Step } from "prosemirror-transform"
import { withinTextblock } from "../schema/within-textblock"
import { innermostAt } from "../schema/innermost"
import { isStructureReplace } from "./structure-replace"
import type { InsertedRanges } from "./inserted-ranges"

/** Whether a step may delete something (a replace or replace-around step over a range): only such steps are split around concurrent insertions. */
export function mayDelete(step: Step): step is ReplaceStep | ReplaceAroundStep {
  return (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) && step.to > step.from
}

/** Ranges in order, those that touch or overlap merged. */
function mergeRanges(ranges: { from: number; to: number }[]): { from: number; to: number }[] {
  const merged: { from: number; to: number }[] = []
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1]
    if (last && range.from <= last.to) last.to = Math.max(last.to, range.to)
    else merged.push({ ...range })
  }
  return merged
}

/** A transformed replace step split around concurrent insertions: its pieces in the order they apply, and their map as one. */
export interface SplitStep {
  steps: Step[]
  map: StepMap
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
 * Across textblocks, a replace step from inside one to inside another is split around typing that
 * lies inside textblocks, into replace steps: each piece joins the blocks at its ends as the step
 * joined its own, so the typing ends up in the one block the step leaves, between what it kept of its
 * first block and of its last. A piece that does not apply (blocks of other depths) sends the step the
 * usual way (see transformBatch's applySplit). Other steps across blocks, and typing that made or
 * joined blocks, are not split: deleting around them would join or split blocks the deleter never
 * meant to.
 */
export function splitAround(doc: Node, step: Step, inserted: InsertedRanges): SplitStep | null {
  if (!mayDelete(step) || isStructureReplace(step)) return null
  const { slice } = step
  let { from, to } = step
  const gap = step instanceof ReplaceAroundStep ? step : null
  if (gap && gap.insert != slice.size) return null
  const typed = inserted.within(from, to)
  if (!typed.length) return null
  const kept = gap ? mergeRanges([...typed, { from: gap.gapFrom, to: gap.gapTo }]) : typed
  if (!withinTextblock(doc, from, to)) {
    if (gap || !kept.every(range => withinTextblock(doc, range.from, range.to))) return null
    if (!betweenTextblocks(doc, from, to)) {
      // Whole textblocks deleted (selected by the line, say) that others typed into: deleted from inside
      // the first to inside the last, so that the first's shell holds their typing, as it does for a
      // deletion ending inside its textblocks.
      const inner = slice.size ? null : innerEnds(doc, from, to)
      if (!inner) return null
      ;({ from, to } = inner)
    }
    if (!withinTextblock(doc, from, to)) return pieces(from, to, kept, slice)
  }
  // Nothing of what the step saw is left to delete, and nothing to insert: it is to be dropped.
  if (!slice.size && kept.reduce((n, range) => n + range.to - range.from, 0) == to - from) return { steps: [], map: new StepMap([]) }
  if (kept.length == 1) {
    const around = new ReplaceAroundStep(from, to, kept[0].from, kept[0].to, slice, slice.size)
    return { steps: [around], map: around.getMap() }
  }
  return pieces(from, to, kept, slice)
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
