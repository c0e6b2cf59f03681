import { Fragment, Slice } from "prosemirror-model"
import type { EditorState, Transaction } from "prosemirror-state"

/**
 * A transaction that inserts `text` (lines separated by "\n") at the selection as new typing: the way
 * edits that could not be kept are offered back. Lines after the first become paragraphs of their own.
 */
export function insertTextAgain(state: EditorState, text: string): Transaction {
  const { schema } = state
  const paragraphs = text.split("\n").map(line => schema.nodes.paragraph.create(null, line ? schema.text(line) : undefined))
  return state.tr.replaceSelection(new Slice(Fragment.from(paragraphs), 1, 1)).scrollIntoView()
}
