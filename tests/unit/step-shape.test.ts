import { describe, expect, it } from "vitest"
import { AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, type Step, Transform } from "prosemirror-transform"
import { wrapInList } from "prosemirror-schema-list"
import { EditorState, TextSelection } from "prosemirror-state"
import { schema } from "../../lib/schema"
import { limits, parse } from "../../lib/protocol"
import { stepsShapeProblem } from "../../lib/protocol/step-shape"
import { b } from "../support/builders"

const { doc, p, em, h1 } = b

/** The JSON of one step of every type the schema's steps serialize to, as a client sends them. */
function everyStepType(): unknown[] {
  const start = doc(h1("title"), p("a", em("b"), "c"), p("two"))
  const steps: Step[] = [
    ...new Transform(start).insert(8, schema.text("x")).split(9).delete(2, 4).steps,
    new AddMarkStep(1, 4, schema.marks.strong.create()),
    new RemoveMarkStep(1, 4, schema.marks.strong.create()),
    new AddMarkStep(8, 11, schema.marks.link.create({ href: "https://example.com" })),
    // What undoing a mark over mixed text gives: a set of mark steps.
    new AddMarkStep(8, 11, schema.marks.em.create()).invert(start),
    new AddNodeMarkStep(0, schema.marks.strong.create()),
    new RemoveNodeMarkStep(0, schema.marks.strong.create()),
    new AttrStep(0, "level", 2),
    new DocAttrStep("title", "Plans")
  ]
  const state = EditorState.create({ doc: start, selection: TextSelection.create(start, 16) })
  wrapInList(schema.nodes.bullet_list)(state, tr => steps.push(...tr.steps))
  return steps.map(step => step.toJSON())
}

const replace = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }

describe("the shape of submitted steps", () => {
  it("takes the JSON of every step type as ProseMirror writes it", () => {
    const steps = everyStepType()
    expect(new Set(steps.map(step => (step as { stepType: string }).stepType))).toEqual(
      new Set(["replace", "replaceAround", "addMark", "removeMark", "markSet", "addNodeMark", "removeNodeMark", "attr", "docAttr"]))
    expect(stepsShapeProblem(steps)).toBeNull()
  })

  it("refuses numbers out of range, disordered positions and unknown step types, saying where", () => {
    const max = limits.maxDocumentSize + 2
    const cases: [unknown, string][] = [
      [{ ...replace, from: 0.5 }, "steps.0.from: must be an integer from 0 to " + max],
      [{ ...replace, to: -1 }, "steps.0.to: must be an integer"],
      [{ ...replace, from: 1e300, to: 1e300 }, "steps.0.from: must be an integer"],
      [{ ...replace, from: "1" }, "steps.0.from: must be an integer"],
      [{ ...replace, from: 3, to: 2 }, "steps.0: from must not be after to"],
      [{ ...replace, slice: { content: {} } }, "steps.0.slice.content: must be an array"],
      [{ ...replace, slice: { content: Array(limits.maxSliceNodes + 1).fill(null) } }, "steps.0.slice.content: must be an array"],
      [{ ...replace, slice: { openStart: limits.maxNodeDepth + 1 } }, "steps.0.slice.openStart: must be an integer"],
      [{ ...replace, slice: "x" }, "steps.0.slice: must be an object"],
      [{ ...replace, structure: 1 }, "steps.0.structure: must be a boolean"],
      [{ stepType: "replaceAround", from: 1, to: 5, gapFrom: 6, gapTo: 4, insert: 0 }, "steps.0: positions must be ordered"],
      [{ stepType: "replaceAround", from: 1, to: 5, gapFrom: 2, gapTo: 4 }, "steps.0.insert: must be an integer"],
      [{ stepType: "addMark", from: 1, to: 2, mark: { type: "" } }, "steps.0.mark.type: must be a string"],
      [{ stepType: "addMark", from: 1, to: 2, mark: { type: "em", attrs: [] } }, "steps.0.mark.attrs: must be an object"],
      [{ stepType: "addMark", from: 1, to: 2, mark: { type: "em", attrs: { ["a".repeat(33)]: 1 } } }, "steps.0.mark.attrs: attribute names"],
      [{ stepType: "removeNodeMark", pos: 1 }, "steps.0.mark: must be an object"],
      [{ stepType: "attr", pos: 0, attr: "x".repeat(33), value: 1 }, "steps.0.attr: must be a string"],
      [{ stepType: "docAttr", value: 1 }, "steps.0.attr: must be a string"],
      [{ stepType: "markSet", steps: [] }, "steps.0.steps: must be an array of 1 to"],
      [{ stepType: "markSet", steps: [replace] }, "steps.0.steps.0.stepType: must be a mark step"],
      [{ stepType: "markSet", steps: [{ stepType: "addMark", from: 2, to: 1, mark: { type: "em" } }] }, "steps.0.steps.0: from must not be after to"],
      [{ stepType: "toString", from: 1, to: 1 }, "steps.0.stepType: is not a step type"],
      // The client's own step for the pieces of a split deletion (PiecesStep) never crosses the wire.
      [{ stepType: "concordPieces", pieces: [replace] }, "steps.0.stepType: is not a step type"],
      [{ from: 1, to: 1 }, "steps.0.stepType: is not a step type"],
      [null, "steps.0: must be an object"],
      [[replace], "steps.0: must be an object"]
    ]
    for (const [step, message] of cases) expect([step, stepsShapeProblem([step])]).toEqual([step, expect.stringContaining(message)])
    // The index says which step of a batch.
    expect(stepsShapeProblem([replace, replace, { ...replace, from: -2 }])).toMatch(/^steps\.2\.from: /)
  })

  it("is what parse.submit answers a bad step with, as ERR_INVALID_MESSAGE", () => {
    const submit = { docId: "d", clientId: "c", seq: 1, baseVersion: 0 }
    expect(parse.submit({ ...submit, steps: everyStepType() }).steps).toHaveLength(everyStepType().length)
    expect(() => parse.submit({ ...submit, steps: [replace, { ...replace, from: 1.5 }] }))
      .toThrow(expect.objectContaining({ code: "ERR_INVALID_MESSAGE", message: "Invalid submit: steps.1.from: must be an integer from 0 to " + (limits.maxDocumentSize + 2) }))
    expect(() => parse.submit({ ...submit, steps: [] })).toThrow(expect.objectContaining({ code: "ERR_INVALID_MESSAGE" }))
  })
})
