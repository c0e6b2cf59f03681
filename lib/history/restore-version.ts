import type { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"

/**
 * A transaction that turns `state.doc` into `target` (an older version's document) by replacing only
 * the range where they differ, so that it is one small, undoable step and edits others make elsewhere
 * meanwhile survive the merge. Null when the documents are equal.
 */
export function restoreVersion(state: EditorState, target: Node): Transaction | null {
  const current = state.doc
  const start = current.content.findDiffStart(target.content)
  if (start == null) return null
  let { a: endA, b: endB } = current.content.findDiffEnd(target.content)!
  // Both ends were found independently; where they overlap, push the ends forward past the start.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  const tr = state.tr.replace(start, endA, target.slice(start, endB))
  if (!tr.doc.eq(target)) {
    const whole = state.tr.replaceWith(0, current.content.size, target.content)
    return whole.doc.eq(target) ? whole : null
  }
  return tr
}
