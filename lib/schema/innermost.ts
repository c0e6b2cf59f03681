import type { Node } from "prosemirror-model"

/**
 * The deepest node whose content holds `pos` (a position in `doc`), and where that content starts:
 * what `doc.resolve(pos).parent` gives, found by walking down without ProseMirror's resolve cache, whose
 * entry for every new document (one per op on the hub) is garbage the collector then spends its time on.
 */
export function innermostAt(doc: Node, pos: number): { node: Node; start: number } {
  let node = doc, start = 0
  for (;;) {
    const { node: child, offset } = node.childAfter(pos - start)
    if (!child || child.isLeaf || pos - start <= offset || pos - start >= offset + child.nodeSize) return { node, start }
    node = child
    start += offset + 1
  }
}

/** The textblock whose content holds `pos`, and the position before it; null when `pos` is not inside one. */
export function textblockAround(doc: Node, pos: number): { node: Node; before: number } | null {
  const { node, start } = innermostAt(doc, pos)
  return node.isTextblock ? { node, before: start - 1 } : null
}
