import { describe, expect, it } from "vitest"
import { Mapping, StepMap } from "prosemirror-transform"
import { setMirror } from "../../../lib/ot/internals/mapping-set-mirror"

// lib/ot/internals/mapping-set-mirror.ts relies on prosemirror-transform's internal Mapping.setMirror.
describe("Mapping.setMirror, internal to prosemirror-transform", () => {
  it("exists on Mapping", () => {
    expect(typeof (Mapping.prototype as unknown as Record<string, unknown>).setMirror).toBe("function")
  })

  it("pairs two maps already in a mapping as appendMap's mirror argument does", () => {
    // Three characters inserted at 5, undone, then redone: with the mirror, a position inside the
    // insertion comes back where it was instead of collapsing to the insertion's edge.
    const insert = new StepMap([5, 0, 3])
    const paired = new Mapping()
    paired.appendMap(insert.invert())
    paired.appendMap(insert, 0)
    const set = new Mapping([insert.invert(), insert])
    setMirror(set, 0, 1)
    const unpaired = new Mapping([insert.invert(), insert])
    expect(set.getMirror(0)).toBe(1)
    expect(set.getMirror(1)).toBe(0)
    for (let pos = 0; pos <= 12; pos++)
      for (const assoc of [-1, 1]) {
        const got = set.mapResult(pos, assoc), want = paired.mapResult(pos, assoc)
        expect([got.pos, got.deleted, got.deletedAcross]).toEqual([want.pos, want.deleted, want.deletedAcross])
      }
    expect(set.map(6)).toBe(6)
    expect(unpaired.map(6)).toBe(8)
  })
})
