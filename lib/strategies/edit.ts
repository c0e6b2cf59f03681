import type { Node } from "prosemirror-model"
import { Transform } from "prosemirror-transform"
import { schema } from "../schema/schema"

/** A top-level block: its index in the leader's current document, or its stable id. */
export type BlockRef = number | string

/** Replace the characters `from` to `to` of a block's text with `text`; offsets count UTF-16 units, as ProseMirror does. */
export interface ReplaceTextEdit {
  type: "replaceText"
  block: BlockRef
  from: number
  to: number
  text: string
}

/** Add a paragraph holding `text` after a block (`after: null` puts it first); `id` names the new block. */
export interface InsertBlockEdit {
  type: "insertBlock"
  after: BlockRef | null
  text: string
  id?: string
}

/** Remove a top-level block. */
export interface DeleteBlockEdit {
  type: "deleteBlock"
  block: BlockRef
}

/** A strategy-neutral edit, written against the editing leader's current local document. */
export type Edit = ReplaceTextEdit | InsertBlockEdit | DeleteBlockEdit

/**
 * An edit pinned down on one document: block references resolved to ids and indexes, offsets
 * clamped to the block's text. `removed` is the text the edit took out of that document.
 */
export type ResolvedEdit =
  | { type: "replaceText"; block: string; index: number; from: number; to: number; text: string; removed: string; clamped: boolean }
  | { type: "insertBlock"; block: string; after: string | null; index: number; text: string; removed: "" }
  | { type: "deleteBlock"; block: string; index: number; removed: string }

/** An applied edit and the transform that performs it, or why it does not apply to this document (a value, not an error). */
export type EditResult = { ok: true; edit: ResolvedEdit; tr: Transform } | { ok: false; reason: string }

/** The text of one top-level block: a textblock's text, or the texts inside a container joined by "\n". */
export function blockText(block: Node): string {
  return block.isTextblock ? block.textContent : block.textBetween(0, block.content.size, "\n", "\n")
}

/** A document's text as the strategies compare it: its top-level blocks' texts joined by "\n". */
export function docText(doc: Node): string {
  const lines: string[] = []
  doc.forEach(block => lines.push(blockText(block)))
  return lines.join("\n")
}

/** Index and start position of the block `ref` names in `doc`, or why there is none. */
function findBlock(doc: Node, ref: BlockRef): { index: number; pos: number; node: Node; id: string } | string {
  let index = -1
  if (typeof ref == "number") {
    if (ref >= doc.childCount) return `block ${ref} does not exist: the document has ${doc.childCount} block${doc.childCount == 1 ? "" : "s"}`
    index = ref
  } else {
    doc.forEach((block, _, i) => { if (block.attrs.id === ref) index = i })
    if (index < 0) return `block ${ref} is not in the document (it was deleted, or never arrived)`
  }
  let pos = 0
  for (let i = 0; i < index; i++) pos += doc.child(i).nodeSize
  const node = doc.child(index)
  if (typeof node.attrs.id != "string") return `block ${index} has no id`
  return { index, pos, node, id: node.attrs.id }
}

/** The position inside textblock `block` (relative to its content) of character `offset` of its text. */
function charPosition(block: Node, offset: number): number {
  let pos = 0, chars = 0
  for (let i = 0; i < block.childCount; i++) {
    if (chars == offset) return pos
    const child = block.child(i)
    if (child.isText) {
      if (offset < chars + child.text!.length) return pos + offset - chars
      chars += child.text!.length
    }
    pos += child.nodeSize
  }
  return pos
}

/**
 * Apply a neutral edit to `doc`, the editing leader's current document. `newId` names the block an
 * insertBlock edit creates when the edit names none. Offsets past the end of a block's text are
 * clamped to it; a block that is not there, a text edit on a block without text of its own, or the
 * deletion of the only block is a failure.
 */
export function applyEdit(doc: Node, edit: Edit, newId: string): EditResult {
  const tr = new Transform(doc)
  if (edit.type == "insertBlock") {
    const id = edit.id ?? newId
    let duplicate = false
    doc.forEach(block => { if (block.attrs.id === id) duplicate = true })
    if (duplicate) return { ok: false, reason: `block id ${id} is already in the document` }
    let pos = 0, index = 0, after: string | null = null
    if (edit.after != null) {
      const found = findBlock(doc, edit.after)
      if (typeof found == "string") return { ok: false, reason: found }
      pos = found.pos + found.node.nodeSize
      index = found.index + 1
      after = found.id
    }
    tr.insert(pos, schema.nodes.paragraph.create({ id }, edit.text ? schema.text(edit.text) : null))
    return { ok: true, edit: { type: "insertBlock", block: id, after, index, text: edit.text, removed: "" }, tr }
  }
  const found = findBlock(doc, edit.block)
  if (typeof found == "string") return { ok: false, reason: found }
  const { index, pos, node, id } = found
  if (edit.type == "deleteBlock") {
    if (doc.childCount == 1) return { ok: false, reason: "a document keeps at least one block" }
    tr.delete(pos, pos + node.nodeSize)
    return { ok: true, edit: { type: "deleteBlock", block: id, index, removed: blockText(node) }, tr }
  }
  if (!node.isTextblock) return { ok: false, reason: `block ${id} is a ${node.type.name}, which holds no text of its own` }
  const length = node.textContent.length
  const from = Math.min(edit.from, length), to = Math.min(Math.max(edit.to, from), length)
  const start = pos + 1 + charPosition(node, from), end = pos + 1 + charPosition(node, to)
  if (edit.text) tr.replaceWith(start, end, schema.text(edit.text, node.type.spec.marks === "" ? [] : doc.resolve(start).marks()))
  else if (end > start) tr.delete(start, end)
  const removed = node.textContent.slice(from, to)
  const clamped = from != edit.from || to != edit.to
  return { ok: true, edit: { type: "replaceText", block: id, index, from, to, text: edit.text, removed, clamped }, tr }
}
