import type { Mappable } from "prosemirror-transform"
import type { SelectionJSON } from "../protocol/messages"

/**
 * Carry a person's selection through `maps` in order and, when `size` is given, clamp it to a document
 * of that content size: the one rule by which the hub and every client move a caret over others' edits.
 * Positions stick to the left of text inserted exactly at them, so that a caret is not pushed along by
 * the text someone else types at it.
 */
export function mapSelection(selection: SelectionJSON, maps: readonly Mappable[], size = Infinity): SelectionJSON {
  let { anchor, head } = selection
  for (const map of maps) {
    anchor = map.map(anchor, -1)
    head = map.map(head, -1)
  }
  const clamp = (pos: number) => Math.max(0, Math.min(size, pos))
  return { anchor: clamp(anchor), head: clamp(head) }
}
