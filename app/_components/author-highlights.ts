import type { Node } from "prosemirror-model"
import { authorKey, firstEndingAfter, type AuthorSpan } from "@/lib/history"
import type { Author } from "@/lib/protocol/messages"
import { safeColor } from "@/lib/protocol/author-color"
import { placedTexts } from "./placed-texts"

/** The CSS highlight name of each author drawn so far in this page, by authorKey. */
const names = new Map<string, string>()

/** The name of `author`'s highlight (`::highlight(name)`), the same for every drawing in the page. */
export function highlightName(author: Author): string {
  const key = authorKey(author)
  let name = names.get(key)
  if (!name) names.set(key, (name = `concord-author-${names.size + 1}`))
  return name
}

/** Whether the browser has the CSS Custom Highlight API. */
function supported(): boolean {
  return typeof CSS != "undefined" && "highlights" in CSS && typeof Highlight == "function"
}

/**
 * Who wrote what, drawn with the CSS Custom Highlight API: one highlight per author, holding a static
 * range over each piece of text they wrote, styled with `::highlight()` in their colour. Colouring a
 * version adds ranges and changes no element, so the browser neither rebuilds nor lays out the
 * blocks again; blocks drawn for one version are reused by the next whatever their authorship. A
 * browser without the API draws no colours (the legend still names who wrote since when).
 */
export class AuthorHighlights {
  private readonly highlights = new Map<string, Highlight>()
  private readonly style: HTMLStyleElement | null = null
  private readonly enabled = supported()

  constructor() {
    if (!this.enabled) return
    this.style = document.createElement("style")
    document.head.appendChild(this.style)
  }

  /** Take every range away (a new version is about to be drawn). */
  clear(): void {
    for (const highlight of this.highlights.values()) highlight.clear()
  }

  /** Add the ranges of `spans` that fall in the drawn block `dom`, `node` at `start`. */
  addBlock(node: Node, start: number, dom: HTMLElement, spans: readonly AuthorSpan[]): void {
    if (!this.enabled || !spans.length) return
    const end = start + node.nodeSize
    let i = firstEndingAfter(spans, start)
    if (i == spans.length || spans[i].from >= end) return
    for (const { node: text, pos } of placedTexts(node, start, dom)) {
      const textEnd = pos + text.data.length
      while (i < spans.length && spans[i].to <= pos) i++
      for (let j = i; j < spans.length && spans[j].from < textEnd; j++) {
        const span = spans[j]
        this.highlightOf(span.author).add(new StaticRange({
          startContainer: text, startOffset: Math.max(span.from, pos) - pos,
          endContainer: text, endOffset: Math.min(span.to, textEnd) - pos
        }))
      }
    }
  }

  /** Take the highlights and their styles out of the page. */
  destroy(): void {
    this.clear()
    for (const name of this.highlights.keys()) CSS.highlights.delete(name)
    this.highlights.clear()
    this.style?.remove()
  }

  private highlightOf(author: Author): Highlight {
    const name = highlightName(author)
    let highlight = this.highlights.get(name)
    if (!highlight) {
      this.highlights.set(name, (highlight = new Highlight()))
      CSS.highlights.set(name, highlight)
      const color = safeColor(author.color)
      this.style!.append(`::highlight(${name}) { background-color: ${color}24; text-decoration: underline 2px ${color}99; }\n`)
    }
    return highlight
  }
}
