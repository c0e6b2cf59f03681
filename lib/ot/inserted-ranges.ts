import type { StepMap } from "prosemirror-transform"

/** A range of inserted content, and the rank of the change that inserted it (see InsertedRanges). */
export interface InsertedRange {
  from: number
  to: number
  rank: number
}

/**
 * Ranges of a document that hold what someone inserted, followed through later changes: what a change
 * deletes of them is gone, and what it inserts, next to them or inside one, is not theirs (a range is
 * split around it) unless added. Kept sorted, apart and non-empty. Each range has a rank, the index of
 * the change that inserted it (see `of`): ranges that come to touch are one, with the lower rank, so
 * that text typed in a row, forward or backward, keeps the rank of its first key.
 */
export class InsertedRanges {
  /** Flat [from, to, rank, from, to, rank, ...] in the current document's coordinates. */
  private ranges: number[] = []

  /** `ranges`: flat [from, to, from, to, ...], each of rank 0, in order and apart. */
  constructor(ranges: readonly number[] = []) {
    for (let i = 0; i < ranges.length; i += 2) this.ranges.push(ranges[i], ranges[i + 1], 0)
  }

  /** What `maps`, applied in order, inserted, in the coordinates of the document after the last of them, each range ranked by its map's index. */
  static of(maps: readonly StepMap[]): InsertedRanges {
    const inserted = new InsertedRanges()
    maps.forEach((map, i) => inserted.mapAndAdd(map, i))
    return inserted
  }

  /** How many ranges there are. */
  get size(): number {
    return this.ranges.length / 3
  }

  /** A copy to change apart from this one. */
  copy(): InsertedRanges {
    const copy = new InsertedRanges()
    copy.ranges = this.ranges.slice()
    return copy
  }

  /** Follow the ranges through a change: what it deletes of them is gone, what it inserts next to or inside them is not theirs. */
  map(map: StepMap): void {
    if (!this.ranges.length) return
    const inserted: number[] = []
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => { if (newEnd > newStart) inserted.push(newStart, newEnd) })
    const next: number[] = []
    for (let i = 0; i < this.ranges.length; i += 3) {
      let from = map.map(this.ranges[i], 1)
      const to = map.map(this.ranges[i + 1], -1), rank = this.ranges[i + 2]
      for (let k = 0; k < inserted.length && from < to; k += 2) {
        if (inserted[k + 1] <= from || inserted[k] >= to) continue
        pushMerged(next, from, inserted[k], rank)
        from = inserted[k + 1]
      }
      pushMerged(next, from, to, rank)
    }
    this.ranges = next
  }

  /** Follow a change and add what it inserted, of rank `rank`. */
  mapAndAdd(map: StepMap, rank = 0): void {
    this.map(map)
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => this.add(newStart, newEnd, rank))
  }

  /** Add from..to (in the current document), of rank `rank`. */
  add(from: number, to: number, rank = 0): void {
    if (to <= from) return
    const ranges = this.ranges
    // The first range that ends at or after `from`, and the first that starts after `to`.
    let start = 0
    for (let hi = ranges.length / 3; start < hi;) {
      const mid = (start + hi) >> 1
      if (ranges[mid * 3 + 1] < from) start = mid + 1
      else hi = mid
    }
    let end = start
    while (end * 3 < ranges.length && ranges[end * 3] <= to) {
      from = Math.min(from, ranges[end * 3])
      to = Math.max(to, ranges[end * 3 + 1])
      rank = Math.min(rank, ranges[end * 3 + 2])
      end++
    }
    ranges.splice(start * 3, (end - start) * 3, from, to, rank)
  }

  /** The inserted ranges within from..to, clipped to it, in order and merged where they touch. */
  within(from: number, to: number): InsertedRange[] {
    const found: InsertedRange[] = []
    for (let i = 0; i < this.ranges.length && this.ranges[i] < to; i += 3) {
      const start = Math.max(from, this.ranges[i]), end = Math.min(to, this.ranges[i + 1])
      if (end > start) found.push({ from: start, to: end, rank: this.ranges[i + 2] })
    }
    return found
  }
}

/** Append from..to of rank `rank` to sorted flat ranges, merged with the last where they touch. */
function pushMerged(ranges: number[], from: number, to: number, rank: number): void {
  if (to <= from) return
  const last = ranges.length - 3
  if (last >= 0 && ranges[last + 1] >= from) {
    ranges[last + 1] = Math.max(ranges[last + 1], to)
    ranges[last + 2] = Math.min(ranges[last + 2], rank)
  } else {
    ranges.push(from, to, rank)
  }
}
