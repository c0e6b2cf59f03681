import { describe, expect, it } from "vitest"
import { StepMap } from "prosemirror-transform"
import { InsertedRanges } from "../../lib/ot/inserted-ranges"

/** A map that replaces `from`..`to` with `size` positions. */
const replace = (from: number, to: number, size: number) => new StepMap([from, to - from, size])

describe("InsertedRanges", () => {
  it("merges what touches or overlaps with the lower rank, keeps what is apart, and clips to the range asked for", () => {
    const ranges = new InsertedRanges()
    ranges.add(10, 12, 3)
    ranges.add(2, 4, 5)
    ranges.add(4, 6, 1)
    ranges.add(20, 21, 2)
    ranges.add(11, 15, 4)
    expect(ranges.size).toBe(3)
    expect(ranges.within(0, 100)).toEqual([{ from: 2, to: 6, rank: 1 }, { from: 10, to: 15, rank: 3 }, { from: 20, to: 21, rank: 2 }])
    expect(ranges.within(5, 11)).toEqual([{ from: 5, to: 6, rank: 1 }, { from: 10, to: 11, rank: 3 }])
    ranges.add(1, 30, 7)
    expect(ranges.within(0, 100)).toEqual([{ from: 1, to: 30, rank: 1 }])
  })

  it("is split around what a later change inserts inside it, and does not grow by text inserted at its edges", () => {
    const ranges = new InsertedRanges([2, 8])
    ranges.map(replace(5, 5, 3))
    expect(ranges.within(0, 100)).toEqual([{ from: 2, to: 5, rank: 0 }, { from: 8, to: 11, rank: 0 }])
    ranges.map(replace(2, 2, 1))
    ranges.map(replace(12, 12, 1))
    expect(ranges.within(0, 100)).toEqual([{ from: 3, to: 6, rank: 0 }, { from: 9, to: 12, rank: 0 }])
  })

  it("loses what a change deletes, and a replacement inside it only keeps the parts around", () => {
    const ranges = new InsertedRanges([2, 8, 10, 12])
    ranges.map(replace(4, 11, 2))
    expect(ranges.within(0, 100)).toEqual([{ from: 2, to: 4, rank: 0 }, { from: 6, to: 7, rank: 0 }])
    ranges.map(replace(0, 10, 0))
    expect(ranges.size).toBe(0)
  })

  it("of(maps) holds each map's insertion, ranked by the map's index, followed through the later maps", () => {
    const ranges = InsertedRanges.of([replace(0, 0, 4), replace(2, 2, 1), replace(10, 10, 2), replace(1, 3, 0)])
    expect(ranges.within(0, 100)).toEqual([{ from: 0, to: 3, rank: 0 }, { from: 8, to: 10, rank: 2 }])
  })

  it("keeps the rank of a run's first key, typed forward or backward", () => {
    const forward = InsertedRanges.of([replace(5, 5, 1), replace(6, 6, 1), replace(7, 7, 1), replace(20, 20, 1)])
    expect(forward.within(0, 100)).toEqual([{ from: 5, to: 8, rank: 0 }, { from: 20, to: 21, rank: 3 }])
    const backward = InsertedRanges.of([replace(9, 9, 1), replace(5, 5, 1), replace(5, 5, 1), replace(5, 5, 1)])
    expect(backward.within(0, 100)).toEqual([{ from: 5, to: 8, rank: 1 }, { from: 12, to: 13, rank: 0 }])
  })

  it("copy changes apart from the original", () => {
    const ranges = new InsertedRanges([2, 4])
    const copy = ranges.copy()
    copy.map(replace(0, 0, 5))
    expect([ranges.within(0, 100), copy.within(0, 100)]).toEqual([[{ from: 2, to: 4, rank: 0 }], [{ from: 7, to: 9, rank: 0 }]])
  })
})
