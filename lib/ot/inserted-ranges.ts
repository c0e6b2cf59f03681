import type { StepMap } from "prosemirror-transform"

/**
 * Ranges of a document that hold what someone inserted, followed through later changes: what a change
 * deletes of them is gone, and what it inserts, next to them or inside one, is not theirs (a range is
 * split around it) unless added. Kept sorted, apart and non-empty.
 */
export class InsertedRanges {
  /** Flat [from, to, from, to, ...] in the current document's coordinates. */
  private ranges: number[]

  constructor(ranges: readonly number[] = []) {
    this.ranges = ranges.slice()
  }

  /** What `maps`, applied in order, inserted, in the coordinates of the document after the last of them. */
  static of(maps: readonly StepMap[]): InsertedRanges {
    const inserted = new InsertedRanges()
    for (const map of maps) inserted.mapAndAdd(map)
    return inserted
  }

  /** How many ranges there are. */
  get size(): number {
    return this.ranges.length / 2
  }

  /** A copy to change apart from this one. */
  copy(): InsertedRanges {
    return new InsertedRanges(this.ranges)
  }

  /** Follow the ranges through a change: what it deletes of them is gone, what it inserts next to or inside them is not theirs. */
  map(map: StepMap): void {
    if (!this.ranges.length) return
    const inserted: number[] = []
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => { if (newEnd > newStart) inserted.push(newStart, newEnd) })
    const next: number[] = []
    for (let i = 0; i < this.ranges.length; i += 2) {
      let from = map.map(this.ranges[i], 1)
      const to = map.map(this.ranges[i + 1], -1)
      for (let k = 0; k < inserted.length && from < to; k += 2) {
        if (inserted[k + 1] <= from || inserted[k] >= to) continue
        pushMerged(next, from, inserted[k])
        from = inserted[k + 1]
      }
      pushMerged(next, from, to)
    }
    this.ranges = next
  }

  /** Follow a change and add what it inserted. */
  mapAndAdd(map: StepMap): void {
    this.map(map)
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => this.add(newStart, newEnd))
  }

  /** Add from..to (in the current document). */
  add(from: number, to: number): void {
    if (to <= from) return
    const ranges = this.ranges
    // The first range that ends at or after `from`, and the first that starts after `to`.
    let start = 0
    for (let hi = ranges.length / 2; start < hi;) {
      const mid = (start + hi) >> 1
      if (ranges[mid * 2 + 1] < from) start = mid + 1
      else hi = mid
    }
    let end = start
    while (end * 2 < ranges.length && ranges[end * 2] <= to) {
      from = Math.min(from, ranges[end * 2])
      to = Math.max(to, ranges[end * 2 + 1])
      end++
    }
    ranges.splice(start * 2, (end - start) * 2, from, to)
  }

  /** The inserted ranges within from..to, clipped to it, in order and merged where they touch. */
  within(from: number, to: number): { from: number; to: number }[] {
    const found: { from: number; to: number }[] = []
    for (let i = 0; i < this.ranges.length && this.ranges[i] < to; i += 2) {
      const start = Math.max(from, this.ranges[i]), end = Math.min(to, this.ranges[i + 1])
      if (end > start) found.push({ from: start, to: end })
    }
    return found
  }
}

/** Append from..to to sorted flat ranges, merged with the last where they touch. */
function pushMerged(ranges: number[], from: number, to: number): void {
  if (to <= from) return
  const last = ranges.length - 1
  if (last > 0 && ranges[last] >= from) ranges[last] = Math.max(ranges[last], to)
  else ranges.push(from, to)
}
