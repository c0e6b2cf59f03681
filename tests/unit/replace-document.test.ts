import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import { ReplaceStep, type Step } from "prosemirror-transform"
import type { Node } from "prosemirror-model"
import { replaceDocument } from "../../lib/editor/replace-document"
import { maxStepContent } from "../../lib/schema/block-chunks"
import { blockIds } from "../../lib/schema/block-ids"
import { limits } from "../../lib/protocol"
import { b } from "../support/builders"
import { withoutIds } from "../support/every-node"

const { doc, p, h1 } = b

function paragraphs(count: number, word: string): Node {
  return doc(...Array.from({ length: count }, (_, i) => (i % 10 ? p(`${word} ${i}: some words of a paragraph, enough to make it long.`) : h1(`${word} ${i}`))))
}

/** What a step puts in and takes out, in positions. */
function sizes(step: Step): [number, number] {
  const s = step as ReplaceStep
  return [s.slice.size, s.to - s.from]
}

describe("replaceDocument", () => {
  it("replaces a short document in one step, the new blocks with ids of their own", () => {
    const state = EditorState.create({ doc: doc(p("old")) })
    const tr = replaceDocument(state, doc(p("one"), p("two")))
    expect(tr.steps).toHaveLength(1)
    expect(withoutIds(tr.doc)).toEqual(withoutIds(doc(p("one"), p("two"))))
    expect(blockIds(tr.doc).size).toBe(2)
  })

  it("replaces a long document with a longer one a chunk of blocks at a time, each step and its inverse small enough to send", () => {
    const old = paragraphs(4_000, "Old"), next = paragraphs(9_000, "New")
    expect(old.content.size).toBeGreaterThan(3 * maxStepContent)
    const state = EditorState.create({ doc: old })
    const tr = replaceDocument(state, next)
    expect(tr.steps.length).toBeGreaterThan(8)
    expect(withoutIds(tr.doc)).toEqual(withoutIds(next))
    expect(blockIds(tr.doc).size).toBe(9_000)
    tr.steps.forEach((step, i) => {
      const [inserted, deleted] = sizes(step)
      expect(inserted).toBeLessThanOrEqual(maxStepContent)
      expect(deleted).toBeLessThanOrEqual(maxStepContent)
      expect((step as ReplaceStep).slice.content.childCount).toBeLessThanOrEqual(limits.maxSliceNodes)
      // Never larger on the way than the larger of the two documents.
      expect(tr.docs[i].content.size).toBeLessThanOrEqual(next.content.size)
    })
    // Undone step by step, it gives the old document back.
    let back = tr.doc
    for (let i = tr.steps.length - 1; i >= 0; i--) back = tr.steps[i].invert(tr.docs[i]).apply(back).doc!
    expect(back.eq(old)).toBe(true)
  })
})
