// Where the typing clients type in a document of paragraphs, known only by the text length of
// each paragraph: every gap between characters of the whole document is as likely, so that a long
// document is typed into all over, not only in its first paragraph.

/**
 * A random ProseMirror position to type at in a document whose paragraphs hold `lengths`
 * characters: each paragraph's length + 1 gaps, over all paragraphs, equally likely.
 */
export function randomTextPosition(lengths: readonly number[]): number {
  let gap = Math.floor(Math.random() * lengths.reduce((n, length) => n + length + 1, 0))
  let start = 1
  for (const length of lengths) {
    if (gap <= length) return start + gap
    gap -= length + 1
    start += length + 2
  }
  throw new RangeError("A document without paragraphs has no place to type")
}

/** Count `count` characters typed at ProseMirror position `pos` into the paragraph that holds it. */
export function addTyped(lengths: number[], pos: number, count: number): void {
  let start = 1
  for (let i = 0; i < lengths.length; i++) {
    if (pos <= start + lengths[i]) {
      lengths[i] += count
      return
    }
    start += lengths[i] + 2
  }
  throw new RangeError(`Position ${pos} is past the document's last paragraph`)
}
