import type { Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import { renameStep, titleOf } from "../schema/document-title"

/**
 * One transaction replacing the whole content of `state`'s document with `doc`'s: it syncs as any
 * edit and undo takes it back in one step. The block-id plugin gives the new blocks their ids. An
 * untitled document takes `doc`'s title, when it has one; a document someone named keeps its name.
 */
export function replaceDocument(state: EditorState, doc: Node): Transaction {
  const tr = state.tr.replaceWith(0, state.doc.content.size, doc.content).scrollIntoView()
  if (titleOf(doc) && !titleOf(state.doc)) tr.step(renameStep(titleOf(doc)))
  return tr
}
