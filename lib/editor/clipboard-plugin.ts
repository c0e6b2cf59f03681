import { Slice, type ResolvedPos } from "prosemirror-model"
import { Plugin } from "prosemirror-state"
import { blockIds, withFreshIds } from "../schema/block-ids"
import { sanitizeHtml } from "../formats/html"
import { looksLikeMarkdown, markdownSlice } from "../formats/markdown-paste"

/**
 * Read pasted plain text that looks like Markdown as formatted content (not when pasted as plain text with
 * Shift, nor into code); for anything else ProseMirror's own text parser runs, as without this plugin.
 */
function markdownTextParser(text: string, $context: ResolvedPos, plain: boolean): Slice | null {
  if (plain || $context.parent.type.spec.code || !looksLikeMarkdown(text)) return null
  return markdownSlice(text)
}

/**
 * Paste: HTML is sanitized (DOMPurify, keeping block ids so that copy and paste within a document keeps
 * them) before ProseMirror's clipboard parser reads it, plain text that looks like Markdown becomes
 * formatted content, and every pasted block gets its id before it goes in (see withFreshIds).
 */
export function clipboardPlugin(): Plugin {
  return new Plugin({
    props: {
      transformPastedHTML: html => sanitizeHtml(html, { keepBlockIds: true }),
      transformPasted: (slice, view) => new Slice(withFreshIds(slice.content, blockIds(view.state.doc)), slice.openStart, slice.openEnd),
      // ProseMirror asks the next parser, or its own, when this one answers null; its type says Slice only.
      clipboardTextParser: markdownTextParser as (text: string, $context: ResolvedPos, plain: boolean) => Slice
    }
  })
}
