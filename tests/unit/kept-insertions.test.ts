import { describe, expect, it } from "vitest"
import { Transform, ReplaceAroundStep, ReplaceStep } from "prosemirror-transform"
import type { Node } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { splitAround } from "../../lib/ot/kept-insertions"
import { InsertedRanges } from "../../lib/ot/inserted-ranges"
import { b, tags } from "../support/builders"

const { doc, p, ul, li } = b

/** Delete a..b of `start` after `typed` was inserted at each of its tags (in order), as the transform meets it. */
function putBack(start: Node, typed: Record<string, string>) {
  const { a, b: end } = tags(start)
  const theirs = new Transform(start)
  for (const [tag, text] of Object.entries(typed)) theirs.insert(theirs.mapping.map(tags(start)[tag]), schema.text(text))
  const deletion = new Transform(start).delete(a, end).steps[0].map(theirs.mapping)!
  const split = splitAround(theirs.doc, deletion, InsertedRanges.of(theirs.mapping.maps))!
  const after = split.steps.reduce<Node>((at, step) => step.apply(at).doc!, theirs.doc)
  return { split, after, moved: split.moved!.map(range => after.textBetween(range.from, range.to)) }
}

describe("typing a deletion across blocks puts back", () => {
  it("says where it put the text, by the order the changes typed it, inside a replace step", () => {
    const { split, after, moved } = putBack(doc(p("one <a>two"), b.quote(p("mi<y>d<x>dle")), p("three<b> four")), { x: "LATE", y: "EARLY" })
    expect(split.steps).toHaveLength(1)
    expect(split.steps[0]).toBeInstanceOf(ReplaceStep)
    expect(split.extends).toBe(true)
    // The changes' order, not the document's: "EARLY" was typed after "LATE" here, so it comes second.
    expect(after.textContent).toBe("one LATEEARLY four")
    expect(moved).toEqual(["LATEEARLY"])
  })

  it("says where it put the text of a replace-around step, typed on both sides of its gap", () => {
    const { split, after, moved } = putBack(doc(p("one <a>t<w>wo"), ul(li(p("thr<y>ee<b> four")))), { w: "W", y: "Z" })
    expect(split.steps[0]).toBeInstanceOf(ReplaceAroundStep)
    expect(split.extends).toBe(false)
    expect(after.textBetween(0, after.content.size, "|")).toBe("one WZ four")
    expect(moved).toEqual(["WZ"])
  })

  it("puts text back without the marks of the block it goes into does not take, rather than dropping it", () => {
    // Emphasized "EM" typed in the quote of a deletion from a code block to a paragraph: it goes into
    // the code block, which takes no marks, as plain text (the step used to be left whole, taking it).
    const start = doc(b.pre("ab<a>c"), b.quote(p("mi<y>d")), p("th<b>ree"))
    const { a, b: end, y } = tags(start)
    const theirs = new Transform(start).insert(y, schema.text("EM", [schema.marks.em.create()]))
    const deletion = new Transform(start).delete(a, end).steps[0].map(theirs.mapping)!
    const split = splitAround(theirs.doc, deletion, InsertedRanges.of(theirs.mapping.maps))!
    const after = split.steps.reduce<Node>((at, step) => step.apply(at).doc!, theirs.doc)
    after.check()
    expect(after.toString()).toBe('doc(code_block("abEMree"))')
  })
})
