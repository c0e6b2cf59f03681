import type { Mappable } from "prosemirror-transform"
import type { Author, SelectionJSON } from "../protocol/messages"

/** Another person in the document, with their selection in the local document's positions. */
export interface RemotePresence {
  clientId: string
  user: Author
  /** Null when they have no selection or it refers to a version this client has not seen yet. */
  selection: SelectionJSON | null
}

/**
 * Carry a selection through `maps` in order and clamp it to a document of content size `size`.
 * Positions stick to the left of text inserted exactly at them, so someone else's caret is not
 * pushed along by the text typed at it.
 */
export function mapSelection(selection: SelectionJSON, maps: readonly Mappable[], size: number): SelectionJSON {
  let { anchor, head } = selection
  for (const map of maps) {
    anchor = map.map(anchor, -1)
    head = map.map(head, -1)
  }
  const clamp = (pos: number) => Math.max(0, Math.min(size, pos))
  return { anchor: clamp(anchor), head: clamp(head) }
}
