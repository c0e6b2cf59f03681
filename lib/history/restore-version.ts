import type { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import { diffDocs } from "./doc-diff"

/**
 * A transaction that turns `state.doc` into `target` (an older version's document) by changing only
 * the range where they differ (diffDocs), so that it is one small, undoable edit and edits others make
 * elsewhere meanwhile survive the merge. Null when the documents are equal.
 */
export function restoreVersion(state: EditorState, target: Node): Transaction | null {
  const steps = diffDocs(state.doc, target)
  if (!steps.length) return null
  const tr = state.tr
  for (const step of steps) tr.step(step)
  return tr
}
