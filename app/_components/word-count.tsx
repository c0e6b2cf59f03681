import type { Node } from "prosemirror-model"
import { textCounts } from "@/lib/editor/text-counts"

const numbers = new Intl.NumberFormat("en")

/** "123 words · 456 characters" for the document shown, in the page's status line. */
export function WordCount({ doc }: { doc: Node }) {
  const { words, characters } = textCounts(doc)
  return (
    <p className="word-count" data-testid="word-count">
      {numbers.format(words)} {words == 1 ? "word" : "words"} · {numbers.format(characters)} {characters == 1 ? "character" : "characters"}
    </p>
  )
}
