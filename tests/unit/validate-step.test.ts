import { describe, expect, it } from "vitest"
import { EditorState, TextSelection } from "prosemirror-state"
import { ReplaceAroundStep, Step, Transform } from "prosemirror-transform"
import { Fragment, Slice } from "prosemirror-model"
import { wrapInList } from "prosemirror-schema-list"
import { wrapIn } from "prosemirror-commands"
import { schema, checkStepContent, stepContentProblem, stepPlaceProblem } from "../../lib/schema"
import { b } from "../support/builders"

const { doc, p } = b

function commandSteps(start: ReturnType<typeof doc>, command: typeof wrapIn extends (...a: any[]) => infer C ? C : never) {
  const state = EditorState.create({ doc: start, selection: TextSelection.create(start, 2) })
  let steps: Step[] = []
  command(state, tr => (steps = tr.steps))
  return steps
}

describe("checking what a step carries", () => {
  it("refuses versions in conflict whose block is not one of the schema's, and takes one that is", () => {
    const version = (node: unknown) => ({ vv: { a: 1 }, node, author: { name: "Eve", color: "#aa0000" }, clientId: "a" })
    const good = version({ type: "paragraph", content: [{ type: "text", text: "theirs" }] })
    const attr = (value: unknown) => Step.fromJSON(schema, { stepType: "attr", pos: 0, attr: "conflict", value })
    expect(stepContentProblem(attr([good, version(null)]), schema)).toBeNull()
    for (const bad of [
      { type: "bogus" }, { type: "text", text: "x" },
      { type: "paragraph", content: [{ type: "text", text: "x", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] },
      { type: "paragraph", attrs: { conflict: [good, good] } }
    ])
      expect(stepContentProblem(attr([version(bad), good]), schema), JSON.stringify(bad)).toMatch(/conflict version's node/)
  })

  it("accepts wrapping in a list or a quote, whose slices hold empty wrappers", () => {
    const start = doc(p("one"))
    for (const steps of [commandSteps(start, wrapInList(schema.nodes.bullet_list)), commandSteps(start, wrapIn(schema.nodes.blockquote))]) {
      expect(steps.length).toBeGreaterThan(0)
      expect(steps.map(s => checkStepContent(s, start))).toEqual(steps.map(() => null))
    }
  })

  it("accepts a deletion around typing within a paragraph (a replace-around step), checking its slice only", () => {
    const start = doc(p("the brown quick fox"))
    const around = new ReplaceAroundStep(5, 20, 11, 17, new Slice(Fragment.from(schema.text("red")), 0, 0), 3)
    expect(checkStepContent(around, start)).toBeNull()
    expect(checkStepContent(new ReplaceAroundStep(5, 20, 11, 17, Slice.empty, 0), start)).toBeNull()
    expect(checkStepContent(new ReplaceAroundStep(5, 99, 11, 17, Slice.empty, 0), start)).toMatch(/out of range/)
  })

  it("refuses a javascript: link, a heading level out of range and an unknown attribute", () => {
    const start = doc(p("link me"))
    const link = schema.marks.link.create({ href: "https://example.com" })
    // A bad mark does not even parse: the hub answers ERR_SCHEMA_VIOLATION at Step.fromJSON.
    expect(() => Step.fromJSON(schema, { ...new Transform(start).addMark(1, 5, link).steps[0].toJSON(), mark: { type: "link", attrs: { href: "javascript:alert(1)" } } })).toThrow(/href/)
    const heading = Step.fromJSON(schema, { stepType: "attr", pos: 0, attr: "level", value: 7 })
    const h = schema.node("doc", null, [schema.node("heading", { level: 1 }, [schema.text("x")])])
    expect(checkStepContent(heading, h)).toMatch(/1 to 3/)
    expect(checkStepContent(Step.fromJSON(schema, { stepType: "attr", pos: 0, attr: "color", value: "red" }), start)).toMatch(/Unsupported attribute/)
    for (const attr of ["constructor", "toString", "__proto__"])
      expect(checkStepContent(Step.fromJSON(schema, { stepType: "attr", pos: 0, attr, value: "x" }), start)).toMatch(/Unsupported attribute/)
  })

  it("checks each mark step of a mark set (the inverse of some mark changes)", () => {
    const start = doc(p("mixed ", b.strong("bold"), " text"))
    const tr = new Transform(start).addMark(1, 16, schema.marks.em.create())
    const inverse = tr.steps[0].invert(start)
    expect(checkStepContent(inverse, tr.doc)).toBeNull()
    const good = Step.fromJSON(schema, { stepType: "markSet", steps: [{ stepType: "addMark", from: 1, to: 3, mark: { type: "em" } }] })
    expect(checkStepContent(good, start)).toBeNull()
    expect(() => Step.fromJSON(schema, { stepType: "markSet", steps: [{ stepType: "addMark", from: 1, to: 3, mark: { type: "link", attrs: { href: "javascript:x" } } }] })).toThrow(/href/)
    const heading = schema.node("doc", null, [schema.node("heading", { level: 1 }, [schema.text("x")])])
    const nested = Step.fromJSON(schema, { stepType: "markSet", steps: [{ stepType: "addMark", from: 1, to: 2, mark: { type: "em" } }] })
    expect(checkStepContent(nested, heading)).toBeNull()
  })

  it("splits into what fails wherever a step lands and what depends on the place, checkStepContent being both", () => {
    const start = doc(p("one"))
    const level = (value: unknown) => Step.fromJSON(schema, { stepType: "attr", pos: 0, attr: "level", value })
    // A list holding a paragraph where its items belong: the slice is closed, so its content is checked.
    const listed = Step.fromJSON(schema, { stepType: "replace", from: 0, to: 0, slice: { content: [{ type: "bullet_list", content: [{ type: "paragraph" }] }] } })
    // A heading takes level 3, so no step is refused for it before it lands; a paragraph does not.
    expect(stepContentProblem(level(3), schema)).toBeNull()
    expect(stepPlaceProblem(level(3), start)).toMatch(/Unsupported attribute level for node paragraph/)
    expect(checkStepContent(level(3), start)).toBe(stepPlaceProblem(level(3), start))
    // No node takes level 3.5, nor a list without items, wherever the step lands.
    for (const step of [level(3.5), listed]) {
      expect(stepContentProblem(step, schema)).not.toBeNull()
      expect(checkStepContent(step, start)).toBe(stepContentProblem(step, schema))
    }
    expect(stepPlaceProblem(listed, start)).toBeNull()
  })
})
