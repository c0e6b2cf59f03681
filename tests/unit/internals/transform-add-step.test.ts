import { describe, expect, it } from "vitest"
import { Fragment, Slice } from "prosemirror-model"
import { ReplaceStep, Transform } from "prosemirror-transform"
import { addStep } from "../../../lib/ot/internals/transform-add-step"
import { schema } from "../../../lib/schema"
import { b } from "../../support/builders"

const { doc, p } = b

// lib/ot/internals/transform-add-step.ts relies on prosemirror-transform's internal Transform.addStep.
describe("Transform.addStep, internal to prosemirror-transform", () => {
  it("exists on Transform", () => {
    expect(typeof (Transform.prototype as unknown as Record<string, unknown>).addStep).toBe("function")
  })

  it("records a step with the given document as Transform.step records it after applying the step", () => {
    const start = doc(p("hello"), p("there"))
    const step = new ReplaceStep(3, 3, new Slice(Fragment.from(schema.text("XY")), 0, 0))
    const stepped = new Transform(start).step(step)
    const added = new Transform(start)
    addStep(added, step, step.apply(start).doc!)
    expect(added.steps).toEqual([step])
    expect(added.docs).toEqual([start])
    expect(added.doc.eq(stepped.doc)).toBe(true)
    expect(added.mapping.maps.map(map => map.map(4))).toEqual(stepped.mapping.maps.map(map => map.map(4)))
    expect(added.docChanged).toBe(true)
  })

  it("does not apply the step: the transform leads to the document it is given", () => {
    const start = doc(p("hello"))
    const standIn = doc(p("anything"))
    const tr = new Transform(start)
    addStep(tr, new ReplaceStep(1, 2, Slice.empty), standIn)
    expect(tr.doc).toBe(standIn)
    expect(tr.docs[0]).toBe(start)
    expect(tr.mapping.maps.length).toBe(1)
    expect(tr.mapping.map(3)).toBe(2)
  })
})
