import type { Node } from "prosemirror-model"

/** Where two documents differ: from `start` to `endA` in the first, to `endB` in the second. */
export interface DiffRange {
  start: number
  endA: number
  endB: number
}

/** The range where `from` and `to` differ, or null when they are equal. */
export function diffRange(from: Node, to: Node): DiffRange | null {
  const start = from.content.findDiffStart(to.content)
  if (start == null) return null
  let { a: endA, b: endB } = from.content.findDiffEnd(to.content)!
  // Both ends were found independently; where they overlap (a change next to equal content, deleting
  // one "a" of "aa"), push the ends forward past the start.
  const overlap = start - Math.min(endA, endB)
  if (overlap > 0) {
    endA += overlap
    endB += overlap
  }
  return { start, endA, endB }
}
