import { Fragment, type Node } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"
import { renameStep, titleOf } from "../schema/document-title"
import { blockChunks, childStarts } from "../schema/block-chunks"
import { withFreshIds } from "../schema/block-ids"

/**
 * One transaction replacing the whole content of `state`'s document with `doc`'s: it syncs as any
 * edit and undo takes it back in one step. The blocks come in with ids of their own. A long document
 * goes in (and the one it replaces goes out) a chunk of blocks at a time (blockChunks), each a step
 * that fits a message to the hub, as does its inverse for undo: the old blocks after the first chunk
 * are deleted, last first, then the first chunk is replaced with the new first, and the others are
 * added after it, so that the document is never larger than the larger of the two. An untitled
 * document takes `doc`'s title, when it has one; a document someone named keeps its name.
 */
export function replaceDocument(state: EditorState, doc: Node): Transaction {
  const tr = state.tr
  const old = state.doc
  const fresh = doc.type.create(doc.attrs, withFreshIds(doc.content, new Set()))
  const oldChunks = blockChunks(old)
  const starts = childStarts(old)
  for (let k = oldChunks.length - 1; k > 0; k--) tr.delete(starts[oldChunks[k][0]], starts[oldChunks[k][1]])
  let at = 0
  for (const [k, [first, last]] of blockChunks(fresh).entries()) {
    const chunk = Fragment.fromArray(fresh.children.slice(first, last))
    if (k == 0) tr.replaceWith(0, starts[oldChunks[0][1]], chunk)
    else tr.insert(at, chunk)
    at += chunk.size
  }
  tr.scrollIntoView()
  if (titleOf(doc) && !titleOf(state.doc)) tr.step(renameStep(titleOf(doc)))
  return tr
}
