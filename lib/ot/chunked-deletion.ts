import { Selection, type EditorState, type Transaction } from "prosemirror-state"
import { ReplaceStep, type Step } from "prosemirror-transform"
import { Slice, type Node } from "prosemirror-model"
import { isHistoryTransaction } from "prosemirror-history"
import { maxMergedContent } from "./merge-steps"
import { copyMeta } from "./internals/transaction-meta"

/**
 * Positions one step may delete when more is deleted at once: undo puts each step's content back in one
 * step, which goes to the hub in one batch (mergeSteps takes at most maxMergedContent a batch).
 */
export const maxDeletedPerStep = maxMergedContent / 2

/**
 * Steps that make on `doc` what replace step `step` makes, deleting a long run of whole blocks a chunk
 * at a time (at most maxDeletedPerStep positions each, from the end), then the rest with the step itself:
 * undo of a deletion of thousands of paragraphs then puts them back a chunk a step, each small enough to
 * send, where one step would be too large for a message to the hub. Null when the step deletes less, or
 * its range holds too few whole blocks to take apart.
 */
export function chunkedDeletion(doc: Node, step: Step): Step[] | null {
  if (!(step instanceof ReplaceStep) || step.to - step.from <= maxDeletedPerStep) return null
  // A structure step (one that may only move structure) is left as it is.
  if ((step.toJSON() as { structure?: boolean }).structure) return null
  const $from = doc.resolve(step.from), $to = doc.resolve(step.to)
  const depth = $from.sharedDepth(step.to)
  const parent = $from.node(depth)
  // The whole children of the range's shared parent, but the last: the step keeps one, so that the
  // parent is never left without children between the steps (a document holds at least one block).
  const first = $from.depth > depth ? $from.index(depth) + 1 : $from.index(depth)
  const last = $to.index(depth) - 1
  if (last <= first) return null
  const starts = [$from.start(depth)]
  for (let i = 0; i < last; i++) starts.push(starts[i] + parent.child(i).nodeSize)
  // From the end, so that each chunk's positions hold after the chunks before it are deleted.
  const chunks: Step[] = []
  let chunkEnd = starts[last]
  const cut = (from: number) => {
    chunks.push(new ReplaceStep(from, chunkEnd, Slice.empty))
    chunkEnd = from
  }
  for (let i = last - 1; i >= first; i--) if (chunkEnd - starts[i] > maxDeletedPerStep && chunkEnd > starts[i + 1]) cut(starts[i + 1])
  cut(starts[first])
  const removed = starts[last] - starts[first]
  return [...chunks, new ReplaceStep(step.from, step.to - removed, step.slice)]
}

/**
 * `tr`, or when it deletes more at once than undo can send back in one step (see chunkedDeletion), a
 * transaction on `state` that makes the same document with the long deletions in chunks, carrying the
 * selection, stored marks, time, scrolling and metadata of `tr`. Leaves undo and redo as they are: their
 * steps are undo history's own.
 */
export function chunkedTransaction(state: EditorState, tr: Transaction): Transaction {
  if (isHistoryTransaction(tr) || !tr.steps.some(step => step instanceof ReplaceStep && step.to - step.from > maxDeletedPerStep)) return tr
  const chunked = state.tr
  let changed = false
  for (let i = 0; i < tr.steps.length; i++) {
    const steps = chunkedDeletion(tr.docs[i], tr.steps[i])
    if (steps) changed = true
    for (const step of steps ?? [tr.steps[i]]) if (chunked.maybeStep(step).failed != null) return tr
  }
  if (!changed || !chunked.doc.eq(tr.doc)) return tr
  chunked.setSelection(Selection.fromJSON(chunked.doc, tr.selection.toJSON()))
  if (tr.storedMarksSet) chunked.setStoredMarks(tr.storedMarks)
  chunked.setTime(tr.time)
  if (tr.scrolledIntoView) chunked.scrollIntoView()
  copyMeta(tr, chunked)
  return chunked
}
