import { Selection, type EditorState, type Transaction } from "prosemirror-state"
import { ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { Fragment, Slice, type Node } from "prosemirror-model"
import { isHistoryTransaction } from "prosemirror-history"
import { maxMergedContent } from "./merge-steps"
import { copyMeta } from "./internals/transaction-meta"
import { isStructureReplace } from "./structure-replace"

/**
 * Positions one step may delete or put in when more is changed at once: a step, and undo's inverse of
 * it, goes to the hub in one batch (mergeSteps takes at most maxMergedContent a batch), which must fit
 * a message.
 */
export const maxDeletedPerStep = maxMergedContent / 2

/**
 * Steps that make on `doc` what replace (or replace-around) step `step` makes, deleting the whole
 * blocks of a long range a chunk at a time (at most maxDeletedPerStep positions each, from the end),
 * then the rest with the step itself: undo of a deletion of thousands of paragraphs then puts them back
 * a chunk a step, each small enough to send, where one step would be too large for a message to the
 * hub. A block too large for one chunk (a list of thousands of items) is emptied the same way first, all
 * but its last child. Null when the step deletes less, or its range holds no whole blocks to take apart.
 * (`max` is for tests.)
 */
export function chunkedDeletion(doc: Node, step: Step, max = maxDeletedPerStep): Step[] | null {
  if (!deletesMuch(step, max)) return null
  // A structure step (one that may only move structure) is left as it is.
  if (isStructureReplace(step)) return null
  // What a replace-around step deletes before its gap (a deletion from a paragraph into a list item
  // keeps the item's text as the gap) is taken apart; the rest of it stays in the step.
  const end = step instanceof ReplaceAroundStep ? step.gapFrom : step.to
  const $from = doc.resolve(step.from), $end = doc.resolve(end)
  const depth = $from.sharedDepth(end)
  // The runs of whole blocks inside the range, last first (each run's deletions then leave the
  // positions of those before it be): the blocks before the end's path at each depth below the shared
  // parent, the shared parent's whole children, and the blocks after the start's path. Each parent
  // keeps a child: the one on the path, or, when the range neither starts nor ends inside a child, the
  // shared parent's last whole child (a document holds at least one block).
  const runs: { parent: Node; start: number; first: number; last: number }[] = []
  for (let k = $end.depth - 1; k > depth; k--) runs.push({ parent: $end.node(k), start: $end.start(k), first: 0, last: $end.index(k) })
  const inside = $from.depth > depth || $end.depth > depth
  runs.push({ parent: $from.node(depth), start: $from.start(depth), first: $from.depth > depth ? $from.index(depth) + 1 : $from.index(depth), last: inside ? $end.index(depth) : $end.index(depth) - 1 })
  for (let k = depth + 1; k < $from.depth; k++) runs.push({ parent: $from.node(k), start: $from.start(k), first: $from.index(k) + 1, last: $from.node(k).childCount })
  const steps: Step[] = []
  let removed = 0
  for (const { parent, start, first, last } of runs) {
    const from = deletableFrom(parent, first, last)
    if (last > from) removed += deleteChildren(parent, start, from, last, max, steps)
  }
  if (!steps.length) return null
  const rest = step instanceof ReplaceAroundStep
    ? new ReplaceAroundStep(step.from, step.to - removed, step.gapFrom - removed, step.gapTo - removed, step.slice, step.insert)
    : new ReplaceStep(step.from, step.to - removed, step.slice)
  return [...steps, rest]
}

/** Whether `step` deletes more than `max` positions (a replace-around step's gap stays). */
function deletesMuch(step: Step, max = maxDeletedPerStep): step is ReplaceStep | ReplaceAroundStep {
  if (step instanceof ReplaceStep) return step.to - step.from > max
  if (step instanceof ReplaceAroundStep) return step.to - step.from - (step.gapTo - step.gapFrom) > max
  return false
}

/**
 * Add to `steps` the deletions of children `first` to `last` (exclusive) of `parent`, whose content
 * starts at `start`: from the end, a chunk of at most `max` positions at a time, a child larger than
 * that emptied first (all its children but the last, the same way). Returns the positions
 * removed in all. Positions before the child at hand never move, the deletions being after it.
 */
function deleteChildren(parent: Node, start: number, first: number, last: number, max: number, steps: Step[]): number {
  const starts = [start]
  for (let i = 0; i < last; i++) starts.push(starts[i] + parent.child(i).nodeSize)
  // The chunk not deleted yet: from the start of the child after the one at hand to chunkEnd.
  let chunkEnd = starts[last]
  const flush = (from: number) => {
    if (chunkEnd > from) steps.push(new ReplaceStep(from, chunkEnd, Slice.empty))
    chunkEnd = from
  }
  for (let i = last - 1; i >= first; i--) {
    const child = parent.child(i)
    const inner = child.nodeSize > max && !child.isTextblock ? deletableFrom(child, 0, child.childCount - 1) : 0
    if (child.nodeSize > max && inner < child.childCount - 2) {
      flush(starts[i + 1])
      chunkEnd = starts[i + 1] - deleteChildren(child, starts[i] + 1, inner, child.childCount - 1, max, steps)
    } else if (chunkEnd - starts[i] > max) {
      flush(starts[i + 1])
    }
  }
  flush(starts[first])
  return starts[last] - starts[first]
}

/**
 * Steps that make on `doc` what replace step `step` makes when it puts in a long run of blocks (a paste
 * of a long document): the step with only the first and the last of its slice's top-level nodes, then
 * the nodes between them, in order, a chunk of at most `max` positions a step. Each then fits a message
 * to the hub, where the one step could not. Null when the step puts in less, or its slice has fewer
 * than three top-level nodes. (`max` is for tests.)
 */
export function chunkedInsertion(step: Step, max = maxDeletedPerStep): Step[] | null {
  if (!insertsMuch(step, max) || isStructureReplace(step)) return null
  const { content, openStart, openEnd } = step.slice
  if (content.childCount < 3) return null
  const first = content.firstChild!, last = content.lastChild!
  const steps: Step[] = [new ReplaceStep(step.from, step.to, new Slice(Fragment.from([first, last]), openStart, openEnd))]
  // Between the first and the last node, where the first one's open start joined what was there.
  let at = step.from + first.nodeSize - openStart
  let chunk: Node[] = [], size = 0
  const flush = () => {
    if (!chunk.length) return
    steps.push(new ReplaceStep(at, at, new Slice(Fragment.from(chunk), 0, 0)))
    at += size
    chunk = []
    size = 0
  }
  for (let i = 1; i < content.childCount - 1; i++) {
    const node = content.child(i)
    if (size + node.nodeSize > max) flush()
    chunk.push(node)
    size += node.nodeSize
  }
  flush()
  return steps
}

/** Whether `step` is a replace step putting in more than `max` positions. */
function insertsMuch(step: Step, max = maxDeletedPerStep): step is ReplaceStep {
  return step instanceof ReplaceStep && step.slice.size > max
}

/** `step` on `doc` as chunkedDeletion, then chunkedInsertion of what is left of it, take it apart; null when neither does. */
function chunkedStep(doc: Node, step: Step): Step[] | null {
  const deleted = chunkedDeletion(doc, step)
  const rest = deleted ? deleted[deleted.length - 1] : step
  const inserted = chunkedInsertion(rest)
  return deleted || inserted ? [...(deleted ? deleted.slice(0, -1) : []), ...(inserted ?? [rest])] : null
}

/**
 * `tr`, or when it deletes more at once than undo can send back in one step (see chunkedDeletion), or
 * puts in more than one step can send (see chunkedInsertion), a transaction on `state` that makes the
 * same document with those steps in chunks, carrying the selection, stored marks, time, scrolling and
 * metadata of `tr`. Leaves undo and redo as they are: their steps are undo history's own.
 */
export function chunkedTransaction(state: EditorState, tr: Transaction): Transaction {
  if (isHistoryTransaction(tr) || !tr.steps.some(step => deletesMuch(step) || insertsMuch(step))) return tr
  const split = tr.steps.map((step, i) => chunkedStep(tr.docs[i], step))
  // Nothing to take apart (a long change of one block): the transaction is not made again.
  if (split.every(steps => !steps)) return tr
  const chunked = state.tr
  for (const [i, steps] of split.entries())
    for (const step of steps ?? [tr.steps[i]]) if (chunked.maybeStep(step).failed != null) return tr
  if (!chunked.doc.eq(tr.doc)) return tr
  chunked.setSelection(Selection.fromJSON(chunked.doc, tr.selection.toJSON()))
  if (tr.storedMarksSet) chunked.setStoredMarks(tr.storedMarks)
  chunked.setTime(tr.time)
  if (tr.scrolledIntoView) chunked.scrollIntoView()
  copyMeta(tr, chunked)
  return chunked
}

/**
 * The first of children `first`..`last` (exclusive) of `parent` from which on they may all go, the
 * parent's content staying valid (a list item keeps its first paragraph); `last` when none may.
 */
function deletableFrom(parent: Node, first: number, last: number): number {
  let from = first
  while (from < last && !parent.canReplace(from, last)) from++
  return from
}
