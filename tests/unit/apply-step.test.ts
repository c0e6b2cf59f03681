import { describe, expect, it } from "vitest"
import { Fragment, Slice } from "prosemirror-model"
import { ReplaceAroundStep } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { safeApply } from "../../lib/ot/apply-step"
import { b } from "../support/builders"

const { doc, p } = b

describe("safeApply", () => {
  it("fails a replace-around step whose slice holds a node the schema forbids, which ProseMirror applies", () => {
    // A quote around the paragraph, its slice also holding a code block with emphasized text (what a
    // transform that puts typing back could build): ProseMirror checks where the gap goes, not the
    // code block.
    const start = doc(p("ab"))
    const codeBlock = schema.nodes.code_block.create(null, schema.text("x", [schema.marks.em.create()]), undefined)
    const step = new ReplaceAroundStep(0, 4, 0, 4, new Slice(Fragment.from(schema.nodes.blockquote.create(null, codeBlock)), 0, 0), 4, true)
    expect(step.apply(start).doc).not.toBeNull()
    const result = safeApply(step, start)
    expect(result.doc).toBeNull()
    expect(result.failed).toMatch(/^Invalid content for node code_block/)
  })

  it("applies a valid replace-around step across blocks as ProseMirror does", () => {
    const start = doc(p("ab"))
    const step = new ReplaceAroundStep(0, 4, 0, 4, new Slice(Fragment.from(schema.nodes.blockquote.create()), 0, 0), 1, true)
    expect(safeApply(step, start).doc!.eq(step.apply(start).doc!)).toBe(true)
  })
})
