import type { Node } from "prosemirror-model"

/** A text node of a drawn block and where its text starts in the document. */
export interface PlacedText {
  node: Text
  pos: number
}

/**
 * Each text node of the drawn block `dom`, with its position in the document, `node` being the block at
 * `start`. DOMSerializer draws every text node of the document as one DOM text node, in document order,
 * and draws no other text (a line break or an empty block's placeholder is an element), so the two lists
 * pair up.
 */
export function placedTexts(node: Node, start: number, dom: HTMLElement): PlacedText[] {
  const placed: PlacedText[] = []
  const walker = document.createTreeWalker(dom, NodeFilter.SHOW_TEXT)
  node.descendants((child, pos) => {
    if (!child.isText) return
    const text = walker.nextNode() as Text | null
    if (text) placed.push({ node: text, pos: start + 1 + pos })
  })
  return placed
}
