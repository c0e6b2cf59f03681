import { describe, expect, it } from "vitest"
import { Mapping, ReplaceStep, Transform } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { deleteAroundInsertions } from "../../lib/ot/keep-insertions"
import { b } from "../support/builders"

const { doc, p } = b

function run(start: ReturnType<typeof doc>, mine: ReplaceStep, theirs: Transform) {
  const mapping = new Mapping(theirs.mapping.maps)
  const mapped = mine.map(mapping) as ReplaceStep
  const pieces = deleteAroundInsertions(mine, mapped, mapping, 0, mapping.maps.length)
  let result = theirs.doc
  for (const piece of pieces ?? [mapped]) result = piece.apply(result).doc!
  return { pieces, text: result.textContent }
}

describe("deleting around concurrent insertions", () => {
  it("keeps text typed concurrently inside a deleted range", () => {
    const start = doc(p("0123456789"))
    const theirs = new Transform(start).insert(6, schema.text("hi"))
    const { pieces, text } = run(start, new ReplaceStep(3, 9, start.slice(0, 0)), theirs)
    expect(pieces).toHaveLength(2)
    expect(text).toBe("01hi89")
  })

  it("keeps several insertions and puts a replacement's text at the left", () => {
    const start = doc(p("abcdefghij"))
    const theirs = new Transform(start).insert(4, schema.text("X")).insert(9, schema.text("Y"))
    const mine = new Transform(start).replaceWith(2, 10, schema.text("new")).steps[0] as ReplaceStep
    const { text } = run(start, mine, theirs)
    expect(text).toBe("anewXYj")
  })

  it("changes nothing when no insertion falls inside the range", () => {
    const start = doc(p("abcdef"))
    const theirs = new Transform(start).insert(1, schema.text("Z"))
    const { pieces, text } = run(start, new ReplaceStep(3, 5, start.slice(0, 0)), theirs)
    expect(pieces).toBeNull()
    expect(text).toBe("Zabef")
  })
})
