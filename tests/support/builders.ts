import { builders } from "prosemirror-test-builder"
import type { Node } from "prosemirror-model"
import { schema } from "../../lib/schema"

/** Document builders for tests, prosemirror-test-builder style: doc(p("hello <a>there")). */
export const b = builders(schema, {
  p: { nodeType: "paragraph" },
  h1: { nodeType: "heading", level: 1 },
  h2: { nodeType: "heading", level: 2 },
  quote: { nodeType: "blockquote" },
  ul: { nodeType: "bullet_list" },
  ol: { nodeType: "ordered_list" },
  li: { nodeType: "list_item" },
  pre: { nodeType: "code_block" },
  hr: { nodeType: "horizontal_rule" },
  br: { nodeType: "hard_break" },
  strong: { markType: "strong" },
  em: { markType: "em" },
  a: { markType: "link", href: "https://example.com" }
}) as unknown as Record<string, (...content: unknown[]) => Node & { tag: Record<string, number> }>

/** The tag positions of a built document. */
export function tags(doc: Node): Record<string, number> {
  return (doc as Node & { tag: Record<string, number> }).tag
}
