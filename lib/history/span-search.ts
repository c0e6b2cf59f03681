import type { AuthorSpan } from "./authorship"

/** The index of the first of `spans` (in order, apart) that ends after `pos`. */
export function firstEndingAfter(spans: readonly AuthorSpan[], pos: number): number {
  let low = 0, high = spans.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (spans[mid].to <= pos) low = mid + 1
    else high = mid
  }
  return low
}
