import { describe, expect, it } from "vitest"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { AddMarkStep, ReplaceStep, type Step } from "prosemirror-transform"
import { EditorState } from "prosemirror-state"
import { schema } from "../../lib/schema"
import { StepInverter } from "../../lib/ot/step-inverter"
import { StepApplier } from "../../lib/ot/step-applier"
import { stepThrough } from "../../lib/ot/apply-step"
import { randomDoc } from "../fuzz/fuzz-actions"
import { Prng } from "../fuzz/prng"
import { b } from "../support/builders"

const { nodes, marks } = schema
const { doc, p, h1, blockquote, ul, li } = b

const text = (s: string) => new Slice(Fragment.from(schema.text(s)), 0, 0)

/** Invert every step of a run with one inverter, checking each inverse against step.invert. Returns the run's end. */
function expectSameInverses(start: Node, steps: readonly Step[]): Node {
  const inverter = new StepInverter()
  let current = start
  for (const step of steps) {
    const applied = step.apply(current).doc
    expect(applied, `${JSON.stringify(step.toJSON())} applies to ${current}`).not.toBeNull()
    const next = applied!
    const fast = inverter.invert(step, current, next)
    const plain = step.invert(current)
    expect(fast.toJSON(), `${JSON.stringify(step.toJSON())} on ${current}`).toEqual(plain.toJSON())
    expect(fast.apply(next).doc!.eq(current)).toBe(true)
    current = next
  }
  return current
}

function randomStep(rng: Prng, on: Node): Step {
  const size = on.content.size
  const from = rng.int(size + 1)
  const to = Math.min(size, rng.chance(0.4) ? from : from + rng.int(10))
  if (rng.chance(0.1)) return new AddMarkStep(from, to, marks.em.create())
  if (rng.chance(0.1)) return new ReplaceStep(from, from, new Slice(Fragment.from([nodes.paragraph.create(null, schema.text("a")), nodes.paragraph.create(null, schema.text("b"))]), 1, 1))
  return new ReplaceStep(from, to, rng.chance(0.5) ? Slice.empty : text("xy"))
}

describe("StepInverter", () => {
  it("gives step.invert's result on deletions, replacements and typing in top-level and nested textblocks", () => {
    const start = doc(p("hello world"), h1("title"), blockquote(p("quoted text")), ul(li(p("item one")), li(p("item two"))))
    const end = expectSameInverses(start, [
      new ReplaceStep(2, 6, Slice.empty), // a deletion in a paragraph
      new ReplaceStep(3, 5, text("abc")), // a replacement in it
      new ReplaceStep(12, 14, Slice.empty), // in a heading
      new ReplaceStep(21, 25, Slice.empty), // in a quote
      new ReplaceStep(34, 36, Slice.empty), // in a list item
      new ReplaceStep(34, 34, text("+")), // typing there
      new ReplaceStep(3, 12, Slice.empty), // across blocks: step.invert's own
      new ReplaceStep(2, 4, Slice.empty) // after a change of the top-level blocks
    ])
    expect(end.childCount).toBe(3)
  })

  it("gives step.invert's result when one inverter is handed steps of two runs by turns", () => {
    const inverter = new StepInverter()
    let a: Node = doc(p("first run of text"), p("second"))
    let c: Node = doc(p("other"), p("document with more text"))
    for (let i = 0; i < 6; i++) {
      for (const [current, step, set] of [[a, new ReplaceStep(3, 5, Slice.empty), (d: Node) => (a = d)], [c, new ReplaceStep(12, 14, Slice.empty), (d: Node) => (c = d)]] as const) {
        const next = step.apply(current).doc!
        expect(inverter.invert(step, current, next).toJSON()).toEqual(step.invert(current).toJSON())
        set(next)
      }
    }
    expect([a.firstChild!.textContent, c.lastChild!.textContent]).toEqual(["fiext", "docure text"])
  })

  it("gives step.invert's result on runs of random steps over random documents", () => {
    let steps = 0
    for (let seed = 1; seed <= 150; seed++) {
      const rng = new Prng(seed)
      const start = randomDoc(rng)
      const run: Step[] = []
      let current = start
      for (let i = 0; i < 40; i++) {
        const step = randomStep(rng, current)
        const next = step.apply(current).doc
        if (next) {
          run.push(step)
          current = next
        }
      }
      expectSameInverses(start, run)
      steps += run.length
    }
    expect(steps).toBeGreaterThan(3000)
  })
})

describe("stepThrough", () => {
  it("records the steps and documents Transform.step records, and throws where it throws", () => {
    const state = EditorState.create({ doc: doc(p("one"), p("two")) })
    const steps = [new ReplaceStep(2, 2, text("x")), new ReplaceStep(8, 8, text("y")), new ReplaceStep(1, 3, Slice.empty)]
    const plain = state.tr
    for (const step of steps) plain.step(step)
    const fast = state.tr
    const applier = new StepApplier()
    for (const step of steps) stepThrough(fast, step, applier)
    expect(fast.steps).toEqual(plain.steps)
    expect(fast.docs.map(d => d.toJSON())).toEqual(plain.docs.map(d => d.toJSON()))
    expect(fast.doc.eq(plain.doc)).toBe(true)
    expect(() => stepThrough(fast, new ReplaceStep(99, 99, text("z")), applier)).toThrow(RangeError)
    expect(() => stepThrough(fast, new ReplaceStep(0, 0, text("z")), applier)).toThrow(/./)
    expect(fast.steps.length).toBe(3)
  })
})
