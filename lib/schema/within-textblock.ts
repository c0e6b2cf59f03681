import type { Node } from "prosemirror-model"
import { innermostAt } from "./innermost"

/** True when from..to lies inside one textblock of `doc` (throws RangeError for positions outside it). */
export function withinTextblock(doc: Node, from: number, to: number): boolean {
  if (from < 0 || to > doc.content.size || from > to) throw new RangeError(`Position ${from < 0 || from > to ? from : to} out of range`)
  const $from = innermostAt(doc, from)
  if (!$from.node.isTextblock) return false
  const $to = innermostAt(doc, to)
  return $to.node === $from.node && $to.start == $from.start
}
