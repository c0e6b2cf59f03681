import type { Node } from "prosemirror-model"

/** True when from..to lies inside one textblock of `doc` (throws RangeError for positions outside it). */
export function withinTextblock(doc: Node, from: number, to: number): boolean {
  const $from = doc.resolve(from)
  return $from.parent.isTextblock && $from.sameParent(doc.resolve(to))
}
