import { Fragment, Slice, type Node, type ResolvedPos } from "prosemirror-model"
import { Plugin } from "prosemirror-state"
import { newBlockId } from "../schema/block-ids"
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
 * `fragment` with a fresh id on every block that has none or one `taken` holds (the document's, and
 * those given on the way): pasted blocks arrive with their ids, rather than the block-id plugin giving
 * each its own step afterwards, each applied to the whole document (a paste of thousands of paragraphs
 * took seconds).
 */
export function withFreshIds(fragment: Fragment, taken: Set<string>): Fragment {
  const nodes: Node[] = []
  fragment.forEach(node => {
    if (!node.isBlock) return void nodes.push(node)
    const content = node.isTextblock ? node.content : withFreshIds(node.content, taken)
    const id = node.attrs.id
    if (node.type.spec.attrs?.id && (typeof id != "string" || taken.has(id))) {
      const fresh = newBlockId()
      taken.add(fresh)
      nodes.push(node.type.create({ ...node.attrs, id: fresh, ...(node.type.spec.attrs?.vv ? { vv: null, conflict: null } : {}) }, content, node.marks))
    } else {
      if (typeof id == "string") taken.add(id)
      nodes.push(content == node.content ? node : node.copy(content))
    }
  })
  return Fragment.from(nodes)
}

/** The ids of `doc`'s blocks. */
function blockIds(doc: Node): Set<string> {
  const ids = new Set<string>()
  doc.descendants(node => {
    if (typeof node.attrs.id == "string") ids.add(node.attrs.id)
    return !node.isTextblock
  })
  return ids
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
