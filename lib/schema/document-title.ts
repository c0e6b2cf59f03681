import { DocAttrStep } from "prosemirror-transform"
import type { Node } from "prosemirror-model"
import { cutText } from "./cut-text"
import { hasHiddenCharacters, withoutHiddenCharacters } from "../protocol/display-text"

/** The most characters a document's title may hold. */
export const maxTitleLength = 200

// C0 and C1 control characters, line and paragraph separators: a title is one plain line.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** Why `value` cannot be a document's title, or null when it can: a string of at most maxTitleLength characters without control characters. */
export function titleProblem(value: unknown): string | null {
  if (typeof value != "string") return "A document's title must be a string"
  if (value.length > maxTitleLength) return `A document's title may hold at most ${maxTitleLength} characters, this one holds ${value.length}`
  if (controlCharacters.test(value)) return "A document's title may not hold line breaks, tabs or other control characters"
  if (hasHiddenCharacters(value)) return "A document's title may not hold direction-changing or invisible characters"
  return null
}

/** A title as a person typed it, made one it can be: whitespace runs (line breaks and tabs too) become one space, trimmed and cut to maxTitleLength. */
export function cleanTitle(typed: string): string {
  return cutText(withoutHiddenCharacters(typed.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, " ")).trim(), maxTitleLength).trim()
}

/** The title `doc` holds ("" when it has none). */
export function titleOf(doc: Node): string {
  return typeof doc.attrs.title == "string" ? doc.attrs.title : ""
}

/** The step that renames a document to `title`. */
export function renameStep(title: string): DocAttrStep {
  return new DocAttrStep("title", title)
}
