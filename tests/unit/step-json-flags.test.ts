import { describe, expect, it } from "vitest"
import { Fragment, Slice } from "prosemirror-model"
import { AddMarkStep, ReplaceStep, Step, Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { markSetSteps } from "../../lib/schema/mark-set-steps"
import { isStructureReplace } from "../../lib/ot/structure-replace"
import { mapStep } from "../../lib/ot/map-step"
import { outOfRange } from "../../lib/ot/step-bounds"
import { b } from "../support/builders"

const { doc, p, em } = b

// What prosemirror-transform keeps internal on a step, read through the step's JSON.
describe("steps' internal flags, read from their JSON", () => {
  it("tells a split's structure replace from typing, and mapStep keeps the flag on a moved insertion", () => {
    const split = new Transform(doc(p("hello"))).split(3).steps[0] as ReplaceStep
    const typed = new ReplaceStep(3, 3, new Slice(Fragment.from(schema.text("x")), 0, 0))
    expect(isStructureReplace(split)).toBe(true)
    expect(isStructureReplace(typed)).toBe(false)
    const moved = mapStep(split, new ReplaceStep(1, 1, new Slice(Fragment.from(schema.text("ab")), 0, 0)).getMap()) as ReplaceStep
    expect([moved.from, moved.to, isStructureReplace(moved)]).toEqual([5, 5, true])
    expect(isStructureReplace(mapStep(typed, split.getMap()) as ReplaceStep)).toBe(false)
  })

  it("reads the mark steps of a mark set, and bounds them as the steps they are", () => {
    const start = doc(p("a", em("b"), "c"))
    const added = new AddMarkStep(1, 4, schema.marks.em.create())
    const markSet = added.invert(start) as Step
    expect(markSet.toJSON().stepType).toBe("markSet")
    expect(markSetSteps(markSet, schema)?.map(step => step.toJSON())).toEqual((markSet.toJSON() as { steps: unknown[] }).steps)
    expect(markSetSteps(added, schema)).toBeNull()
    expect(outOfRange([markSet], start.content.size)).toBeNull()
    expect(outOfRange([markSet], 2)).toMatch(/^Step 0: Step \d reaches position/)
  })
})
