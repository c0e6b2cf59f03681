import type { EditorState, Transaction } from "prosemirror-state"
import type { DocJSON, VvSibling } from "../protocol/messages"
import { findBlock } from "../strategies/block-nodes"
import { mergeVectors } from "../strategies/vv/vectors"

/** The versions of block `id` while it is in conflict on a version-vector document; null when it is not. */
export function conflictOf(state: EditorState, id: string): VvSibling[] | null {
  return (findBlock(state.doc, id)?.node.attrs.conflict as VvSibling[] | null | undefined) ?? null
}

/**
 * A transaction that ends block `id`'s conflict with `choice`: one of its versions' nodes, a merge a
 * person wrote (any block JSON), or null to delete the block. The block loses its conflict, so the
 * client's write carries the merge of every version's vector and dominates them all. Null when the
 * block is not in conflict.
 */
export function resolveConflict(state: EditorState, id: string, choice: DocJSON | null): Transaction | null {
  const found = findBlock(state.doc, id)
  const versions = found?.node.attrs.conflict as VvSibling[] | null | undefined
  if (!found || !versions) return null
  const tr = state.tr
  const end = found.pos + found.node.nodeSize
  const vv = mergeVectors(versions.map(v => v.vv))
  if (!choice) {
    if (state.doc.childCount > 1) tr.delete(found.pos, end)
    else tr.replaceWith(found.pos, end, state.schema.nodes.paragraph.create({ id, vv }))
  } else {
    const node = state.schema.nodeFromJSON(choice)
    tr.replaceWith(found.pos, end, node.type.create({ ...node.attrs, id, vv, conflict: null }, node.content, node.marks))
  }
  return tr.setMeta("addToHistory", false)
}

/** A merge a person typed for block `id`: the shown version's kind of block holding `text` (a paragraph when that holds no text). */
export function mergedBlock(state: EditorState, id: string, text: string): DocJSON | null {
  const found = findBlock(state.doc, id)
  if (!found) return null
  const type = found.node.isTextblock ? found.node.type : state.schema.nodes.paragraph
  const content = text ? state.schema.text(text.replace(/\s*\n\s*/g, " ")) : undefined
  return type.create({ ...found.node.attrs, conflict: null }, content).toJSON()
}
