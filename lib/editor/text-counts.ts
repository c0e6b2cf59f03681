import type { Node } from "prosemirror-model"

/** How many words and characters a document holds. */
export interface TextCounts {
  words: number
  characters: number
}

// Letters or digits, joined by an apostrophe or a hyphen ("don't", "e-mail" are one word each).
const word = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu

// Characters as people see them: an emoji made of several code points ("👍🏽", "👨‍👩‍👧") is one.
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" })

// Nodes are immutable and a transaction keeps every block it did not touch, so counts cached by node
// make a count after a keystroke cost one textblock plus a lookup per block on the way to it.
const cache = new WeakMap<Node, TextCounts>()

/**
 * The words and characters (as people see them, grapheme clusters: spaces included, line breaks not) of `doc`; blocks
 * and hard breaks separate words. Counts of unchanged blocks are remembered, so counting again after an edit is cheap.
 */
export function textCounts(doc: Node): TextCounts {
  let counts = cache.get(doc)
  if (counts) return counts
  if (doc.isTextblock) {
    counts = { words: 0, characters: 0 }
    let text = ""
    doc.forEach(child => {
      if (child.isText) text += child.text
      else text += "\n"
    })
    for (const line of text.split("\n")) {
      counts.words += line.match(word)?.length ?? 0
      for (const _ of graphemes.segment(line)) counts.characters++
    }
  } else {
    counts = { words: 0, characters: 0 }
    for (let i = 0; i < doc.childCount; i++) {
      const child = textCounts(doc.child(i))
      counts.words += child.words
      counts.characters += child.characters
    }
  }
  cache.set(doc, counts)
  return counts
}
