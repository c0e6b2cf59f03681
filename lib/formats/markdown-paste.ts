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
 * Pasted Markdown as a slice to insert, open as far as its edges go (as ProseMirror opens pasted text):
 * the first and last blocks join the blocks they land in where they can, and a heading or quote pasted
 * into an empty paragraph takes its place.
 */
export function markdownSlice(text: string): Slice {
  return Slice.maxOpen(docFromMarkdown(text).content)
}
