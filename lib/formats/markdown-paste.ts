import { Slice } from "prosemirror-model"
import { docFromMarkdown } from "./markdown"

// A line that opens a Markdown block: a heading, a quote, a list item, a code fence or a rule.
const blockSyntax = /^ {0,3}(?:#{1,6}[ \t]+\S|>[ \t]?\S|[-*+][ \t]+\S|\d{1,9}[.)][ \t]+\S|```|~~~|(?:-[ \t]*){3,}$|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$)/m
// Inline Markdown: strong, strikethrough, code, a link, or emphasis that opens after a space and closes before one.
const inlineSyntax = /\*\*[^*\s][^*\n]*\*\*|__[^_\s][^_\n]*__|~~[^~\s][^~\n]*~~|`[^`\n]+`|\[[^\]\n]+\]\([^()\s]+(?:[ \t]+"[^"\n]*")?\)|(?:^|[\s(])[*_][^*_\s](?:[^*_\n]*[^*_\s])?[*_](?=$|[\s).,;:!?])/m

/** True when pasted plain text uses Markdown's block or inline syntax, so that it is worth reading as Markdown. */
export function looksLikeMarkdown(text: string): boolean {
  return blockSyntax.test(text) || inlineSyntax.test(text)
}

/**
 * Pasted Markdown as a slice to insert: a single paragraph is open on both sides, so that its text joins
 * the paragraph it is pasted into; several blocks go in whole.
 */
export function markdownSlice(text: string): Slice {
  const doc = docFromMarkdown(text)
  const single = doc.childCount == 1 && doc.firstChild!.type.name == "paragraph"
  return new Slice(doc.content, single ? 1 : 0, single ? 1 : 0)
}
