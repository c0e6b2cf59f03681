import { describe, expect, it } from "vitest"
import { Fragment, type Node, Slice } from "prosemirror-model"
import { AddMarkStep, AttrStep, RemoveMarkStep, ReplaceStep, type Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { StepApplier } from "../../lib/ot/step-applier"
import { randomDoc } from "../fuzz/fuzz-actions"
import { Prng } from "../fuzz/prng"
import { b } from "../support/builders"

const { nodes, marks } = schema
const { doc, p, h1, pre, ul, li } = b

type Outcome = { doc: Node } | { failed: string } | { threw: string }

function outcome(run: () => { doc: Node | null; failed: string | null }): Outcome {
  try {
    const result = run()
    return result.doc ? { doc: result.doc } : { failed: result.failed! }
  } catch (error) {
    return { threw: `${(error as Error).constructor.name}: ${(error as Error).message}` }
  }
}

function expectSameOutcome(applier: StepApplier, before: Node, step: Step): Outcome {
  const fast = outcome(() => applier.apply(before, step))
  const plain = outcome(() => step.apply(before))
  if ("doc" in plain) {
    expect("doc" in fast, `${JSON.stringify(step.toJSON())} applies`).toBe(true)
    const got = (fast as { doc: Node }).doc
    expect(got.eq(plain.doc), `${JSON.stringify(step.toJSON())} on ${before}`).toBe(true)
    got.check()
  } else {
    expect(fast).toEqual(plain)
  }
  return fast
}

// Slices of the kinds typing, pasting and the hub's clients send, and some that cannot fit a textblock.
function randomSlice(rng: Prng): Slice {
  switch (rng.int(12)) {
    case 9:
      // Enter at a heading: the heading, then a paragraph.
      return new Slice(Fragment.from([nodes.heading.create({ level: 2 }), nodes.paragraph.create({ id: "after" })]), 1, 1)
    case 10:
      // Paragraphs pasted into a textblock: the first joins the text before, the last the text after, the middle stands alone.
      return new Slice(Fragment.from([nodes.paragraph.create(null, schema.text("one")), nodes.paragraph.create(null, schema.text("two", [marks.em.create()])), nodes.paragraph.create(null, schema.text("three"))]), 1, 1)
    case 11:
      // Bold text joining a code block (no marks there): refused.
      return new Slice(Fragment.from([nodes.paragraph.create(null, schema.text("b", [marks.strong.create()])), nodes.paragraph.create()]), 1, 1)
    case 8:
      // Enter: a split of the textblock.
      return new Slice(Fragment.from([nodes.paragraph.create(), nodes.paragraph.create({ id: "split" })]), 1, 1)
    case 0:
      return Slice.empty
    case 1:
      return new Slice(Fragment.from(schema.text("x")), 0, 0)
    case 2:
      return new Slice(Fragment.from(schema.text("bold", [marks.strong.create()])), 0, 0)
    case 3:
      return new Slice(Fragment.from([schema.text("a "), nodes.hard_break.create(), schema.text("b")]), 0, 0)
    case 4:
      return new Slice(Fragment.from(schema.text("link", [marks.link.create({ href: "https://example.com" })])), 0, 0)
    case 5:
      return new Slice(Fragment.from(nodes.paragraph.create(null, schema.text("block"))), 0, 0)
    case 6:
      return new Slice(Fragment.from([nodes.paragraph.create(null, schema.text("end")), nodes.paragraph.create(null, schema.text("start"))]), 1, 1)
    default:
      return new Slice(Fragment.from(schema.text("typed text")), 0, 0)
  }
}

function randomStep(rng: Prng, on: Node): Step {
  const size = on.content.size
  const from = rng.int(size + 3) - 1
  const to = rng.chance(0.5) ? from : from + rng.int(12) - 2
  const markFrom = Math.max(0, Math.min(from, to)), markTo = Math.min(size, Math.max(from, to))
  if (rng.chance(0.1)) return new AddMarkStep(markFrom, markTo, marks.em.create())
  if (rng.chance(0.05)) return new RemoveMarkStep(markFrom, markTo, marks.strong.create())
  // A block's id or a heading's level, at a block, inside one, or where no node has the attribute.
  if (rng.chance(0.1)) return rng.chance(0.5) ? new AttrStep(rng.int(size + 1), "id", `b${rng.int(100)}`) : new AttrStep(rng.int(size + 1), "level", 1 + rng.int(3))
  return new ReplaceStep(from, to, randomSlice(rng), rng.chance(0.1))
}

describe("StepApplier", () => {
  it("gives step.apply's result on hand-picked steps, in and out of top-level textblocks", () => {
    const start = doc(p("hello world"), h1("title"), pre("let x"), ul(li(p("item"))))
    const steps: Step[] = [
      new ReplaceStep(3, 3, new Slice(Fragment.from(schema.text("XY")), 0, 0)), // typing in a paragraph
      new ReplaceStep(2, 6, Slice.empty), // deleting in it
      new ReplaceStep(12, 12, new Slice(Fragment.from(schema.text("!")), 0, 0)), // typing in a heading
      new ReplaceStep(19, 19, new Slice(Fragment.from(schema.text("b", [marks.strong.create()])), 0, 0)), // a mark in a code block: refused
      new ReplaceStep(30, 30, new Slice(Fragment.from(schema.text("s")), 0, 0)), // inside a list item
      new ReplaceStep(1, 13, Slice.empty), // across two blocks
      new ReplaceStep(0, 0, new Slice(Fragment.from(schema.text("t")), 0, 0)), // between blocks: refused
      new ReplaceStep(1, 1, new Slice(Fragment.from(nodes.paragraph.create()), 0, 0)), // a block inside a textblock
      new ReplaceStep(999, 999, new Slice(Fragment.from(schema.text("t")), 0, 0)), // outside the document
      new ReplaceStep(4, 4, new Slice(Fragment.from([nodes.paragraph.create(), nodes.paragraph.create()]), 1, 1)), // Enter in a paragraph
      new ReplaceStep(30, 30, new Slice(Fragment.from([nodes.list_item.create(null, nodes.paragraph.create()), nodes.list_item.create(null, nodes.paragraph.create())]), 2, 2)), // Enter in a list item
      new AttrStep(0, "id", "first"), // a top-level block's attribute
      new AttrStep(8, "level", 2), // a heading's level
      new AddMarkStep(1, 4, marks.strong.create()), // bold inside a paragraph
      new ReplaceStep(0, 8, Slice.empty) // the whole first block: the document's content rules decide
    ]
    const applier = new StepApplier()
    let current: Node = start
    for (const step of steps) {
      const result = expectSameOutcome(applier, current, step)
      if ("doc" in result) current = result.doc
    }
    expect(current.textContent).not.toBe(start.textContent)
  })

  it("gives step.apply's result on runs of random steps over random documents", () => {
    let applied = 0, refused = 0
    for (let seed = 1; seed <= 150; seed++) {
      const rng = new Prng(seed)
      let current = randomDoc(rng)
      const applier = new StepApplier()
      for (let i = 0; i < 40; i++) {
        const step = randomStep(rng, current)
        const result = expectSameOutcome(applier, current, step)
        if ("doc" in result) {
          current = result.doc
          applied++
        } else {
          refused++
        }
      }
    }
    // Both paths are exercised: steps that apply (mostly through the fast path) and steps that do not.
    expect(applied).toBeGreaterThan(1000)
    expect(refused).toBeGreaterThan(1000)
  })

  it("keeps its block index right when a run switches documents", () => {
    const applier = new StepApplier()
    const a = doc(p("one"), p("two"), p("three"))
    const b = doc(p("a longer first paragraph"), p("two"), p("three"))
    const type = (pos: number) => new ReplaceStep(pos, pos, new Slice(Fragment.from(schema.text("+")), 0, 0))
    const a1 = expectSameOutcome(applier, a, type(7))
    const b1 = expectSameOutcome(applier, b, type(28))
    expect("doc" in a1 && "doc" in b1).toBe(true)
    expectSameOutcome(applier, (a1 as { doc: Node }).doc, type(13))
    expectSameOutcome(applier, a, type(13))
  })
})
