import { describe, expect, it } from "vitest"
import { EditorState, TextSelection, AllSelection, type Transaction } from "prosemirror-state"
import { history, undo } from "prosemirror-history"
import { ReplaceStep, Step } from "prosemirror-transform"
import type { Node, Slice } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { chunkedDeletion, chunkedInsertion, chunkedTransaction, maxDeletedPerStep } from "../../lib/ot/chunked-change"
import { SyncClient } from "../../lib/ot"
import { maxMergedContent } from "../../lib/ot/merge-steps"
import { b } from "../support/builders"
import { seededRandom } from "../support/seeded-random"

const { doc, p, ul, li } = b

/** `count` paragraphs of about sixty characters, numbered. */
function paragraphs(count: number): Node {
  return doc(...Array.from({ length: count }, (_, i) => p(`paragraph ${i}: a line of text long enough to fill a paragraph.`)))
}

function applied(start: Node, steps: readonly Step[]): Node {
  return steps.reduce((at, step) => step.apply(at).doc!, start)
}

/** A document of paragraphs, headings, quotes and lists, nested up to three deep, made from `seed`, with the random numbers that go on. */
function seededDoc(seed: number): { start: Node; int: (n: number) => number } {
  const { h1, quote, ol } = b
  const random = seededRandom(seed)
  const int = (n: number) => Math.floor(random() * n)
  const text = () => "abcdefgh".slice(0, 1 + int(8))
  const blocks = (depth: number): Node[] => Array.from({ length: 1 + int(6) }, () => {
    const kind = depth > 2 ? int(2) : int(5)
    if (kind == 0) return p(text())
    if (kind == 1) return h1(text())
    if (kind == 2) return quote(...blocks(depth + 1))
    return (kind == 3 ? ul : ol)(...Array.from({ length: 1 + int(5) }, () => li(p(text()), ...(int(2) ? blocks(depth + 1) : []))))
  })
  const start = doc(...blocks(0))
  start.check()
  return { start, int }
}

describe("a long change taken in chunks", () => {
  it("makes the same document, each step deleting at most the limit, whatever the range's ends", () => {
    const start = paragraphs(3_000)
    const inside = (k: number) => 1 + k * start.child(0).nodeSize + 5
    const cases: [string, number, number][] = [
      ["inside two paragraphs", inside(4), inside(2_990)],
      ["between blocks", inside(4) - 5 - 1, inside(2_990) - 5 - 1],
      ["the whole document", 0, start.content.size]
    ]
    for (const [name, from, to] of cases) {
      const tr = EditorState.create({ doc: start }).tr.delete(from, to)
      const steps = chunkedDeletion(start, tr.steps[0])
      expect(steps, name).not.toBeNull()
      expect(applied(start, steps!).eq(tr.doc), name).toBe(true)
      for (const step of steps!) expect((step as ReplaceStep).to - (step as ReplaceStep).from, name).toBeLessThanOrEqual(maxDeletedPerStep)
    }
  })

  it("leaves a shorter deletion, and one with no whole blocks to take apart, as it is", () => {
    const start = paragraphs(100)
    expect(chunkedDeletion(start, new ReplaceStep(1, 3_000, b.p().slice(0)))).toBeNull()
    const long = doc(p("x".repeat(maxDeletedPerStep + 10)), p("y"))
    expect(chunkedDeletion(long, EditorState.create({ doc: long }).tr.delete(2, maxDeletedPerStep + 8).steps[0])).toBeNull()
  })

  it("empties a block too large for one chunk, a list of thousands of items, the same way first", () => {
    const items = (n: number) => ul(...Array.from({ length: n }, (_, i) => li(p(`item ${i} with some words in it to make it longer`))))
    const start = doc(p("before"), items(2_000), p("after"), items(3), p("end"))
    const cases: [string, number, number][] = [
      // A replace-around step: the list item's text after the range stays, as its gap.
      ["from inside the paragraph before it to inside an item of the list after", 3, start.content.size - 12],
      ["from inside the paragraph before it to inside the paragraph after", 3, start.content.size - 200],
      ["the whole document", 0, start.content.size]
    ]
    for (const [name, from, to] of cases) {
      const tr = EditorState.create({ doc: start }).tr.delete(from, to)
      const steps = chunkedDeletion(start, tr.steps[0])!
      expect(applied(start, steps).eq(tr.doc), name).toBe(true)
      expect(steps.length, name).toBeGreaterThan(2)
      // Undo puts back each step's content in one step: none holds more than a chunk.
      let at = start
      for (const step of steps) {
        expect((step.invert(at) as ReplaceStep).slice.size, name).toBeLessThanOrEqual(maxDeletedPerStep)
        at = step.apply(at).doc! as typeof at
      }
    }
  })

  it("makes the same document for any range of a document of lists, quotes and headings (seeded, small chunks)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { start, int } = seededDoc(seed)
      const from = int(start.content.size), to = from + int(start.content.size - from + 1)
      const tr = EditorState.create({ doc: start }).tr.delete(from, to)
      let at: Node = start
      for (const step of tr.steps) {
        const steps = chunkedDeletion(at, step, 8)
        const after = step.apply(at).doc!
        if (steps) expect(applied(at, steps).eq(after), `seed ${seed}: ${from}-${to}`).toBe(true)
        at = after
      }
    }
  })

  it("puts in a long run of blocks a chunk at a time, the first and last blocks first, wherever it goes", () => {
    const pasted = paragraphs(3_000)
    const start = doc(p("one two"), p("three"))
    const cases: [string, number, number, Slice][] = [
      ["between blocks", 9, 9, pasted.slice(0, pasted.content.size)],
      ["inside a paragraph, open at both ends", 3, 3, pasted.slice(5, pasted.content.size - 5)],
      ["over the whole document", 0, start.content.size, pasted.slice(0, pasted.content.size)]
    ]
    for (const [name, from, to, slice] of cases) {
      const tr = EditorState.create({ doc: start }).tr.replace(from, to, slice)
      const steps = chunkedInsertion(tr.steps[0])
      expect(steps, name).not.toBeNull()
      expect(applied(start, steps!).eq(tr.doc), name).toBe(true)
      for (const step of steps!) expect((step as ReplaceStep).slice.size, name).toBeLessThanOrEqual(maxDeletedPerStep)
    }
    expect(chunkedInsertion(EditorState.create({ doc: start }).tr.insertText("x".repeat(maxDeletedPerStep + 1), 2).steps[0])).toBeNull()
  })

  it("puts in any slice of a document of lists, quotes and headings anywhere the same (seeded, small chunks)", () => {
    let chunked = 0
    for (let seed = 1; seed <= 300; seed++) {
      const { start, int } = seededDoc(seed)
      const { start: source } = seededDoc(seed + 10_000)
      const a = int(source.content.size), b2 = a + int(source.content.size - a + 1)
      const from = int(start.content.size), to = from + int(Math.min(20, start.content.size - from) + 1)
      let tr
      try {
        tr = EditorState.create({ doc: start }).tr.replace(from, to, source.slice(a, b2))
      } catch {
        continue
      }
      let at: Node = start
      for (const step of tr.steps) {
        const steps = chunkedInsertion(step, 8)
        const after = step.apply(at).doc!
        if (steps) {
          chunked++
          expect(applied(at, steps).eq(after), `seed ${seed}`).toBe(true)
        }
        at = after
      }
    }
    expect(chunked).toBeGreaterThan(50)
  })

  it("in a transaction, keeps its selection and metadata, and undo puts the blocks back in batches small enough to send", () => {
    const start = paragraphs(3_000)
    const state = EditorState.create({ doc: start, plugins: [history()] })
    const tr = state.tr.setSelection(new AllSelection(state.doc)).deleteSelection().setMeta("uiEvent", "cut")
    const chunked = chunkedTransaction(state, tr)
    expect(chunked).not.toBe(tr)
    expect(chunked.doc.eq(tr.doc)).toBe(true)
    expect([chunked.getMeta("uiEvent"), chunked.selection.eq(TextSelection.create(chunked.doc, tr.selection.from))]).toEqual(["cut", true])

    // As a tab does it: the sync client applies the deletion in chunks, and undo history keeps them apart.
    const sync = new SyncClient({ clientId: "c", version: 0, state })
    sync.apply(sync.state.tr.setSelection(new AllSelection(sync.state.doc)).deleteSelection())
    expect(sync.nextBatch()!.steps.length).toBeGreaterThan(2)
    sync.receive([{ version: 1, clientId: "c", seq: 1, baseVersion: 0, steps: sync.inflightBatch!.steps }])
    let back = null as Transaction | null
    expect(undo(sync.state, t => (back = t))).toBe(true)
    // Undo's own transaction is undo history's: it goes as it is.
    expect(chunkedTransaction(sync.state, back!)).toBe(back)
    sync.apply(back!)
    expect(sync.state.doc.eq(start)).toBe(true)
    for (let batch = sync.nextBatch(); batch; batch = sync.nextBatch()) {
      // Each batch puts back at most what mergeSteps lets one carry (one step of it all would be 190,000 positions).
      const putBack = batch.steps.reduce((size, json) => size + ((Step.fromJSON(schema, json) as ReplaceStep).slice?.size ?? 0), 0)
      expect(putBack).toBeLessThanOrEqual(maxMergedContent)
      sync.receive([{ version: sync.version + 1, clientId: "c", seq: batch.seq, baseVersion: batch.baseVersion, steps: batch.steps }])
    }
    expect(sync.idle).toBe(true)
  })
})
