import { describe, expect, it } from "vitest"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { Mapping, ReplaceStep, Step, StepMap } from "prosemirror-transform"
import { PiecesStep } from "../../lib/ot/pieces-step"
import { schema } from "../../lib/schema"
import { b } from "../support/builders"

const { doc, p } = b
const text = (node: Node) => node.textBetween(0, node.content.size, "|")

// "hello wXorld fYoo" without what is around X and Y: three pieces, the last in the document first.
const start = doc(p("hello wXorld fYoo"))
const pieces = [new ReplaceStep(16, 18, Slice.empty), new ReplaceStep(9, 15, Slice.empty), new ReplaceStep(1, 8, Slice.empty)]

describe("PiecesStep", () => {
  it("applies its pieces in order, maps them side by side, and is undone piece by piece", () => {
    const step = PiecesStep.of(pieces)!
    const after = step.apply(start).doc!
    expect(text(after)).toBe("XY")
    const map = step.getMap()
    expect([map.map(8), map.map(9, -1), map.map(15), map.map(16, -1)]).toEqual([1, 2, 2, 3])
    const inverse = step.invert(start)
    expect(inverse.apply(after).doc!.eq(start)).toBe(true)
    // Typing between the pieces since stays where it is when the inverse, mapped over it, applies.
    const typed = new ReplaceStep(2, 2, new Slice(Fragment.from(schema.text("Z")), 0, 0))
    const withZ = typed.apply(after).doc!
    expect(text(inverse.map(new Mapping([typed.getMap()]))!.apply(withZ).doc!)).toBe("hello wXZorld fYoo")
  })

  it("maps to null when one of its pieces is gone, as a replace step does, so that its map keeps its ranges one for one", () => {
    const step = PiecesStep.of(pieces)!
    const inverse = step.invert(start)
    const after = step.apply(start).doc!
    expect(text(after)).toBe("XY")
    // Typing between X and Y moves one piece and deletes around none: all three stay.
    expect(inverse.map(new Mapping([new StepMap([2, 0, 1])]))!.pieces).toHaveLength(3)
    // X and Y deleted with what is around them: the pieces' places are gone.
    expect(inverse.map(new Mapping([new StepMap([0, 4, 0])]))).toBeNull()
  })

  it("takes only replace steps each ending before the one before it begins, and reads its JSON back", () => {
    expect(PiecesStep.of([...pieces].reverse())).toBeNull()
    expect(PiecesStep.of([])).toBeNull()
    const step = PiecesStep.of(pieces)!
    expect(Step.fromJSON(schema, step.toJSON()).getMap()).toEqual(step.getMap())
    expect(step.merge()).toBeNull()
  })
})
