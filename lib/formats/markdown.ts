import MarkdownIt from "markdown-it"
import type { Node } from "prosemirror-model"
import { defaultMarkdownSerializer, MarkdownParser, MarkdownSerializer } from "prosemirror-markdown"
import { isAllowedHref, schema } from "../schema/schema"

type Token = ReturnType<MarkdownIt["parse"]>[number]

// CommonMark with ~~strikethrough~~; raw HTML stays text, so Markdown never smuggles markup past the HTML sanitizer.
const tokenizer = MarkdownIt("commonmark", { html: false }).enable("strikethrough")

// The schema refuses links that are not absolute http, https or mailto URLs: such a link keeps its text
// and loses the link (markdown-it itself already refuses javascript:, vbscript:, file: and data:).
tokenizer.core.ruler.push("concord_allowed_links", state => {
  for (const token of state.tokens) if (token.children) token.children = withoutRefusedLinks(token.children)
})

function withoutRefusedLinks(tokens: Token[]): Token[] {
  const kept: Token[] = []
  const refused: boolean[] = []
  for (const token of tokens) {
    if (token.type == "link_open") {
      refused.push(!isAllowedHref(token.attrGet("href")))
      if (refused[refused.length - 1]) continue
    } else if (token.type == "link_close" && refused.pop()) continue
    kept.push(token)
  }
  return kept
}

/** Markdown (CommonMark plus strikethrough) read into Concord's schema; headings deeper than 3 become level 3, images are left out. */
export const markdownParser = new MarkdownParser(schema, tokenizer, {
  blockquote: { block: "blockquote" },
  paragraph: { block: "paragraph" },
  list_item: { block: "list_item" },
  bullet_list: { block: "bullet_list" },
  ordered_list: {
    block: "ordered_list",
    getAttrs: token => ({ order: Math.min(Number(token.attrGet("start") ?? 1), 1_000_000) })
  },
  heading: { block: "heading", getAttrs: token => ({ level: Math.min(Number(token.tag.slice(1)), 3) }) },
  code_block: { block: "code_block", noCloseToken: true },
  fence: { block: "code_block", noCloseToken: true },
  hr: { node: "horizontal_rule" },
  hardbreak: { node: "hard_break" },
  image: { ignore: true, noCloseToken: true },
  em: { mark: "em" },
  strong: { mark: "strong" },
  s: { mark: "strike" },
  link: { mark: "link", getAttrs: token => ({ href: token.attrGet("href"), title: token.attrGet("title") || null }) },
  code_inline: { mark: "code", noCloseToken: true }
})

const nodes = defaultMarkdownSerializer.nodes

/** Concord's documents written as Markdown (CommonMark plus ~~strikethrough~~), every node and mark of the schema included. */
export const markdownSerializer = new MarkdownSerializer({
  doc: (state, node) => state.renderContent(node),
  paragraph: nodes.paragraph,
  heading: nodes.heading,
  blockquote: nodes.blockquote,
  code_block: nodes.code_block,
  horizontal_rule: nodes.horizontal_rule,
  bullet_list(state, node, parent, index) {
    const marker = afterListOfItsKind(node, parent, index) ? "- " : "* "
    state.renderList(node, "  ", () => marker)
  },
  ordered_list(state, node, parent, index) {
    const start: number = node.attrs.order
    const width = String(start + node.childCount - 1).length
    const delimiter = afterListOfItsKind(node, parent, index) ? ") " : ". "
    state.renderList(node, " ".repeat(width + 2), i => String(start + i).padStart(width) + delimiter)
  },
  list_item: nodes.list_item,
  text: nodes.text,
  hard_break: nodes.hard_break
}, {
  ...defaultMarkdownSerializer.marks,
  strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true }
})

// CommonMark joins two lists of one kind that follow each other unless their markers differ: every
// other list of a run takes the other marker.
function afterListOfItsKind(list: Node, parent: Node, index: number): boolean {
  let run = 0
  while (index - run > 0 && parent.child(index - run - 1).type == list.type) run++
  return run % 2 == 1
}

/** Read Markdown text as a document of the schema (block ids left empty for the editor to assign). */
export function docFromMarkdown(text: string): Node {
  return markdownParser.parse(text)
}

/** Write a document as Markdown text. */
export function markdownFromDoc(doc: Node): string {
  return markdownSerializer.serialize(doc, { tightLists: true }) + "\n"
}
