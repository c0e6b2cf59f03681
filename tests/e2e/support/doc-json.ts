/** A ProseMirror node as `Node.toJSON` writes it. */
export interface NodeJSON {
  type: string
  attrs?: Record<string, unknown>
  content?: NodeJSON[]
  marks?: { type: string; attrs?: Record<string, unknown> }[]
  text?: string
}

/** The text of a node and all its descendants, as `Node.textContent` reads it. */
export function textOf(node: NodeJSON): string {
  return node.text ?? (node.content ?? []).map(textOf).join("")
}

/** The top-level blocks of a document, each with its type, attributes (without the block id) and text. */
export function blocksOf(doc: unknown): { type: string; attrs: Record<string, unknown>; text: string; node: NodeJSON }[] {
  return ((doc as NodeJSON).content ?? []).map(node => {
    const { id: _id, ...attrs } = node.attrs ?? {}
    return { type: node.type, attrs, text: textOf(node), node }
  })
}

/** The text nodes anywhere in a document that carry mark `mark`, in document order. */
export function textsWithMark(doc: unknown, mark: string): string[] {
  const found: string[] = []
  const visit = (node: NodeJSON) => {
    if (node.text != null && node.marks?.some(m => m.type == mark)) found.push(node.text)
    node.content?.forEach(visit)
  }
  visit(doc as NodeJSON)
  return found
}

/** How many characters of `text` belong to `alphabet`. */
export function countOf(text: string, alphabet: string): number {
  let count = 0
  for (const char of text) if (alphabet.includes(char)) count++
  return count
}

/** The characters of `text` that belong to `alphabet`, in order. */
export function onlyFrom(text: string, alphabet: string): string {
  return [...text].filter(char => alphabet.includes(char)).join("")
}

/**
 * Deterministic typing for one person: `length` characters of words made from `alphabet`, separated by
 * single spaces, never starting with a space (so no input rule fires at the start of a block).
 */
export function wordsFrom(alphabet: string, length: number, seed = 1): string {
  let state = seed
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return Math.floor(state / 65536) % n
  }
  let text = ""
  while (text.length < length) {
    const word = Array.from({ length: 2 + next(6) }, () => alphabet[next(alphabet.length)]).join("")
    text += (text ? " " : "") + word
  }
  return text.slice(0, length).trimEnd()
}

const tagOfNode: Record<string, (attrs: Record<string, unknown>) => string> = {
  paragraph: () => "p",
  heading: attrs => "h" + String(attrs.level ?? 1),
  blockquote: () => "blockquote",
  bullet_list: () => "ul",
  ordered_list: () => "ol",
  list_item: () => "li",
  horizontal_rule: () => "hr",
  hard_break: () => "br"
}
const tagOfMark: Record<string, string> = { strong: "strong", em: "em", code: "code", strike: "s", link: "a" }

/**
 * A document as the HTML its editor draws, without attributes: `<p>Hello <strong>brave</strong></p>`.
 * Compare it with editorHtml (tests/e2e/support/browser.ts) to check the page shows the document.
 */
export function htmlOf(doc: unknown): string {
  const render = (node: NodeJSON): string => {
    if (node.text != null) {
      const marks = (node.marks ?? []).map(mark => tagOfMark[mark.type] ?? mark.type)
      return marks.map(tag => `<${tag}>`).join("") + node.text + marks.reverse().map(tag => `</${tag}>`).join("")
    }
    const inner = (node.content ?? []).map(render).join("")
    if (node.type == "doc") return inner
    if (node.type == "code_block") return `<pre><code>${inner}</code></pre>`
    const tag = tagOfNode[node.type]?.(node.attrs ?? {}) ?? node.type
    return tag == "hr" || tag == "br" ? `<${tag}>` : `<${tag}>${inner}</${tag}>`
  }
  // The DOM draws text nodes that share a mark inside one element.
  return render(doc as NodeJSON).replace(/<\/(strong|em|code|s|a)><\1>/g, "")
}
