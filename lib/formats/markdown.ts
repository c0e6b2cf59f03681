import MarkdownIt from "markdown-it"
import type { Node } from "prosemirror-model"
import { defaultMarkdownSerializer, MarkdownParser, MarkdownSerializer } from "prosemirror-markdown"
import { fittedLinkTitle, isAllowedHref, schema } from "../schema/schema"

type Token = ReturnType<MarkdownIt["parse"]>[number]

// CommonMark with ~~strikethrough~~ and tables; raw HTML stays text, so Markdown never smuggles markup past the HTML sanitizer.
const tokenizer = MarkdownIt("commonmark", { html: false }).enable(["strikethrough", "table"])

// What the schema has no node for keeps its text: a table becomes a paragraph per row, its cells apart
// ("a | b"), and an image its description, linked to the image's address (one without a description goes).
tokenizer.core.ruler.push("concord_tables_as_rows", state => {
  const tokens: Token[] = []
  let row: Token[] | null = null
  for (const token of state.tokens) {
    if (token.type == "tr_open") row = []
    else if (token.type == "tr_close" && row) {
      const open = new state.Token("paragraph_open", "p", 1), close = new state.Token("paragraph_close", "p", -1)
      const inline = new state.Token("inline", "", 0)
      inline.children = row
      tokens.push(open, inline, close)
      row = null
    } else if (token.type == "inline" && row) {
      if (row.length) row.push(textToken(state, " | "))
      row.push(...(token.children ?? []))
    } else if (!/^(table|thead|tbody|th|td)_(open|close)$/.test(token.type)) tokens.push(token)
  }
  state.tokens = tokens
})

tokenizer.core.ruler.push("concord_images_as_links", state => {
  for (const token of state.tokens) {
    if (!token.children?.some(child => child.type == "image")) continue
    token.children = token.children.flatMap(child => {
      if (child.type != "image") return [child]
      const src = child.attrGet("src") ?? "", alt = child.content
      const open = new state.Token("link_open", "a", 1), close = new state.Token("link_close", "a", -1)
      open.attrSet("href", src)
      return alt ? [open, textToken(state, alt), close] : []
    })
  }
})

function textToken(state: { Token: new (type: string, tag: string, nesting: -1 | 0 | 1) => Token }, text: string): Token {
  const token = new state.Token("text", "", 0)
  token.content = text
  return token
}

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

/**
 * Markdown (CommonMark plus strikethrough and tables) read into Concord's schema; headings deeper than 3
 * become level 3, a table's rows paragraphs and an image a link to it (the rules above).
 */
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
  em: { mark: "em" },
  strong: { mark: "strong" },
  s: { mark: "strike" },
  link: { mark: "link", getAttrs: token => ({ href: token.attrGet("href"), title: fittedLinkTitle(token.attrGet("title")) }) },
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

/**
 * Top-level blocks written at a time. prosemirror-markdown reads the last character of all it has
 * written before each block, and V8 copies a string built by appending to read one of its characters:
 * written at once, a document of 10,000 paragraphs took 3 s (4,000 took 0.5).
 */
const blocksAtATime = 100

/**
 * Write a document as Markdown text: its top-level blocks a hundred at a time (`blocksAtATime`), each
 * part joined to the one before by the blank line the serializer puts between blocks, where that line
 * depends on nothing else (see apart).
 */
export function markdownFromDoc(doc: Node, atATime = blocksAtATime): string {
  const parts: string[] = []
  let start = 0
  for (let end = 1; end <= doc.childCount; end++) {
    if (end < doc.childCount && (end - start < atATime || !apart(doc.child(end - 1), doc.child(end)))) continue
    const blocks: Node[] = []
    for (let i = start; i < end; i++) blocks.push(doc.child(i))
    const last = parts[parts.length - 1]
    if (last != null) parts.push(last.endsWith("\n") ? "\n" : "\n\n")
    parts.push(markdownSerializer.serialize(doc.type.create(doc.attrs, blocks), { tightLists: true }))
    start = end
  }
  return parts.join("") + "\n"
}

/**
 * Whether blocks `a` and `b` (one after the other) may be written apart: both write something (what
 * separates blocks depends on the one before when it wrote nothing), and they are not lists of one kind.
 */
function apart(a: Node, b: Node): boolean {
  return writes(a) && writes(b) && !(a.type == b.type && (a.type.name == "bullet_list" || a.type.name == "ordered_list"))
}

function writes(block: Node): boolean {
  return block.type.name == "horizontal_rule" || block.textContent.length > 0
}
