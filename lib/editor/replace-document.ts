import type { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"

/**
 * One transaction replacing the whole content of `state`'s document with `doc`'s: it syncs as any
 * edit and undo takes it back in one step. The block-id plugin gives the new blocks their ids.
 */
export function replaceDocument(state: EditorState, doc: Node): Transaction {
  return state.tr.replaceWith(0, state.doc.content.size, doc.content).scrollIntoView()
}
