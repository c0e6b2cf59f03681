import { TextSelection, type EditorState, type Selection, type Transaction } from "prosemirror-state"
import { Mapping } from "prosemirror-transform"

/**
 * After remote changes, a transaction that puts a cursor back before text someone else inserted exactly
 * at it (ProseMirror's mapping would push the cursor past that text), so that two people typing at the
 * same spot each keep writing their own run of text instead of interleaving characters. `before` is the
 * selection before `transactions` were applied to reach `state`. Returns null when nothing needs to move.
 */
export function keepCaretBeforeRemoteText(before: Selection, transactions: readonly Transaction[], state: EditorState): Transaction | null {
  if (!before.empty || !(before instanceof TextSelection) || !transactions.length) return null
  const mapping = new Mapping()
  for (const tr of transactions) mapping.appendMapping(tr.mapping)
  const pos = mapping.map(before.head, -1)
  if (pos == state.selection.head || !state.selection.empty) return null
  const $pos = state.doc.resolve(pos)
  if (!$pos.parent.inlineContent) return null
  return state.tr.setSelection(TextSelection.create(state.doc, pos)).setMeta("addToHistory", false)
}
