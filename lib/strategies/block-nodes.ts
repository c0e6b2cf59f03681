import { Slice, type Fragment, type Node } from "prosemirror-model"
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

/** Replace `from..to` of the transform's doc with `content`, touching only what differs. */
export function replaceMinimal(tr: Transform, from: number, to: number, content: Fragment): void {
  const old = tr.doc.slice(from, to).content
  const start = old.findDiffStart(content)
  if (start == null) return
  const end = old.findDiffEnd(content)!
  let endA = end.a, endB = end.b
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) { endA += overlap; endB += overlap }
  tr.replace(from + start, from + endA, new Slice(content.cut(start, endB), 0, 0))
}
