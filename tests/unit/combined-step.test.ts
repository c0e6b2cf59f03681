import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import type { Node } from "prosemirror-model"
import { combinedStep } from "../../lib/ot/combined-step"
import { b } from "../support/builders"

const { doc, p, ul, li } = b

function check(before: Node, after: Node) {
  const step = combinedStep(before, after)
  expect(step.apply(before).doc!.eq(after)).toBe(true)
  return step
}

describe("combinedStep", () => {
  it("replaces only the range where the documents differ: a deletion in pieces around kept typing", () => {
    const before = doc(p("hello wXorld fYoo"))
    const after = new Transform(before).delete(16, 18).delete(9, 15).delete(1, 8).doc
    expect(after.textContent).toBe("XY")
    const step = check(before, after)
    expect([step.from, step.to, step.slice.content.textBetween(0, step.slice.size)]).toEqual([1, 18, "XY"])
  })

  it("puts the end after the start where the change sits next to equal content", () => {
    const before = doc(p("aaa"))
    const step = check(before, doc(p("aa")))
    expect(step.to - step.from).toBe(1)
  })

  it("joins and splits blocks", () => {
    const before = doc(p("one"), p("two"), p("three"))
    check(before, new Transform(before).delete(3, 8).doc)
    check(before, new Transform(before).split(3).doc)
  })

  it("makes the other document from blocks of other depths", () => {
    check(doc(p("one"), ul(li(p("two")))), doc(ul(li(p("one"))), p("two")))
    check(doc(p("one"), ul(li(p("two")))), doc(p("one"), p("two")))
  })

  it("changes nothing for equal documents", () => {
    const before = doc(p("same"))
    const step = check(before, doc(p("same")))
    expect([step.from, step.to, step.slice.size]).toEqual([0, 0, 0])
  })
})
