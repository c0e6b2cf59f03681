import type { Fragment, Node } from "prosemirror-model"
import type { Transform } from "prosemirror-transform"

/** A block's text, its inner blocks separated by newlines; "" for none. */
export function textOf(node: Node | null): string {
  return node ? node.textBetween(0, node.content.size, "\n", "\n") : ""
}

/** The top-level block of `doc` with this id, and where it starts. */
export function findBlock(doc: Node, id: string): { pos: number; node: Node } | null {
  let found: { pos: number; node: Node } | null = null
  doc.forEach((node, pos) => { if (!found && node.attrs.id === id) found = { pos, node } })
  return found
}

/**
 * Replace `from..to` of the transform's doc with `content`, touching only what differs. The changed part
 * is cut from `content` with its open depths, so that a change inside a block (a character typed into a
 * paragraph of a whole-document write) edits that block instead of inserting a block of its own.
 */
export function replaceMinimal(tr: Transform, from: number, to: number, content: Fragment): void {
  const old = tr.doc.slice(from, to).content
  const start = old.findDiffStart(content)
  if (start == null) return
  const end = old.findDiffEnd(content)!
  let endA = end.a, endB = end.b
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) { endA += overlap; endB += overlap }
  // A node holding `content`, only to cut it: slice gives the open depths that cut alone does not.
  const holder = tr.doc.type.create(null, content)
  tr.replace(from + start, from + endA, holder.slice(start, endB))
}
