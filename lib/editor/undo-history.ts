import type { Plugin } from "prosemirror-state"
import { history } from "prosemirror-history"
import { keepOthersText } from "./keep-others-text"

/**
 * The undo history of Concord's editor on documents synced by steps: prosemirror-history (of this
 * user's own edits: the sync client marks remote changes addToHistory false and "rebased"), whose undo
 * and redo keep what others typed inside the text they take away (keepOthersText).
 */
export function undoHistory(): Plugin[] {
  return [history(), keepOthersText()]
}
