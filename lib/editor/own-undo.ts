import type { Command, EditorState, Transaction } from "prosemirror-state"
import { closeHistory } from "prosemirror-history"
import { redoCommand as yRedo, undoCommand as yUndo, yUndoPluginKey } from "y-prosemirror"
import { keepingOthersText } from "./keep-others-text"

const undo = keepingOthersText(false)
const redo = keepingOthersText(true)

/**
 * Undo this user's last edit, whichever history the editor keeps: y-prosemirror's undo manager on CRDT
 * documents (createEditorPlugins with undo "yjs"), prosemirror-history's on the others, leaving what
 * others typed inside the text it takes away (keepingOthersText). Without `dispatch` it tells whether
 * there is an edit to undo, as the toolbar asks.
 */
export const undoOwn: Command = (state, dispatch, view) =>
  yUndoPluginKey.getState(state) ? Boolean(yUndo(state, dispatch, view)) : undo(state, dispatch)

/** Redo what undoOwn took back, on either history. */
export const redoOwn: Command = (state, dispatch, view) =>
  yUndoPluginKey.getState(state) ? Boolean(yRedo(state, dispatch, view)) : redo(state, dispatch)

/**
 * Make `tr` an undo step of its own, apart from the typing just before it (which either history would
 * otherwise join to it when it comes within half a second): for an edit people think of as one, such as
 * an import. Call it right before dispatching `tr`.
 */
export function ownUndoStep(state: EditorState, tr: Transaction): Transaction {
  yUndoPluginKey.getState(state)?.undoManager?.stopCapturing()
  return closeHistory(tr)
}
