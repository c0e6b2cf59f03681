import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import type { ReplaceStep } from "prosemirror-transform"
import { builders } from "prosemirror-test-builder"
import { schema } from "../../lib/schema/schema"
import { TextPatcher, codePointLength, docToText, textToDoc } from "../../lib/ot/trace-text"
import { flattenPatches, loadTrace, traceNames, type TracePatch } from "../support/traces"

const { doc, paragraph: p } = builders(schema)

// Apply `patches` to the document of `text` through a TextPatcher, checking that every step
// applies; returns the final document and the steps.
function replay(start: Node, patches: TracePatch[]): { doc: Node; steps: ReplaceStep[] } {
  const patcher = new TextPatcher(start)
  const steps: ReplaceStep[] = []
  let current = start
  for (const [pos, numDeleted, insert] of patches) {
    for (const step of patcher.patchToSteps(pos, numDeleted, insert)) {
      const result = step.apply(current)
      if (!result.doc) throw new Error(`Step for patch [${pos}, ${numDeleted}, ${JSON.stringify(insert)}] failed: ${result.failed}`)
      current = result.doc
      steps.push(step as ReplaceStep)
    }
  }
  return { doc: current, steps }
}

// The reference: apply one patch to a string, counting code points.
function applyPatch(text: string, [pos, numDeleted, insert]: TracePatch): string {
  const chars = Array.from(text)
  chars.splice(pos, numDeleted, ...Array.from(insert))
  return chars.join("")
}

describe("textToDoc and docToText", () => {
  it("makes one paragraph per line", () => {
    expect(textToDoc("a\n\nb").eq(doc(p("a"), p(), p("b")))).toBe(true)
    expect(textToDoc("").eq(doc(p()))).toBe(true)
    expect(textToDoc("\n").eq(doc(p(), p()))).toBe(true)
  })

  it("gives paragraphs ids on request", () => {
    expect(textToDoc("a\nb", true).eq(doc(p({ id: "p1" }, "a"), p({ id: "p2" }, "b")))).toBe(true)
  })

  it("round trips text", () => {
    for (const text of ["", "\n\n", "one\ntwo", "a😀b\n\nc", "trailing\n"]) expect(docToText(textToDoc(text))).toBe(text)
  })

  it("counts code points", () => {
    expect(codePointLength("a😀b")).toBe(3)
    expect(codePointLength("\ud800")).toBe(1)
  })
})

describe("TextPatcher", () => {
  it("inserts text in a line", () => {
    expect(replay(textToDoc("held"), [[3, 0, "lo worl"]]).doc.eq(doc(p("hello world")))).toBe(true)
  })

  it("splits a paragraph on a newline insert", () => {
    expect(replay(textToDoc("hello world"), [[5, 0, "\n"]]).doc.eq(doc(p("hello"), p(" world")))).toBe(true)
    expect(replay(textToDoc("ab"), [[1, 0, "x\n\ny\nz"]]).doc.eq(doc(p("ax"), p(), p("y"), p("zb")))).toBe(true)
    expect(replay(textToDoc("ab"), [[0, 0, "\n"]]).doc.eq(doc(p(), p("ab")))).toBe(true)
    expect(replay(textToDoc("ab"), [[2, 0, "\n"]]).doc.eq(doc(p("ab"), p()))).toBe(true)
  })

  it("joins paragraphs on a deletion across several lines", () => {
    expect(replay(textToDoc("ab\ncd\nef\ngh"), [[1, 9, ""]]).doc.eq(doc(p("ah")))).toBe(true)
    expect(replay(textToDoc("ab\ncd"), [[2, 1, ""]]).doc.eq(doc(p("abcd")))).toBe(true)
  })

  it("deletes a whole line", () => {
    expect(replay(textToDoc("one\ntwo\nthree"), [[4, 4, ""]]).doc.eq(doc(p("one"), p("three")))).toBe(true)
    expect(replay(textToDoc("one\ntwo"), [[3, 4, ""]]).doc.eq(doc(p("one")))).toBe(true)
  })

  it("replaces a range across lines with text that has line breaks", () => {
    expect(replay(textToDoc("ab\ncd\nef"), [[1, 6, "X\nY"]]).doc.eq(doc(p("aX"), p("Yf")))).toBe(true)
  })

  it("inserts at the end", () => {
    const patcher = new TextPatcher(textToDoc("ab\ncd"))
    expect(patcher.length).toBe(5)
    expect(replay(textToDoc("ab\ncd"), [[5, 0, "e\nf"]]).doc.eq(doc(p("ab"), p("cde"), p("f")))).toBe(true)
  })

  it("fills and empties an empty document", () => {
    const filled = replay(textToDoc(""), [[0, 0, "hi\nthere"]]).doc
    expect(filled.eq(doc(p("hi"), p("there")))).toBe(true)
    expect(replay(filled, [[0, 8, ""]]).doc.eq(doc(p()))).toBe(true)
  })

  it("counts an astral character once in the trace and twice in the document", () => {
    const start = textToDoc("a😀b\nc🎉d")
    const { doc: inserted, steps } = replay(start, [[2, 0, "x"]])
    expect(steps[0].from).toBe(4)
    expect(docToText(inserted)).toBe("a😀xb\nc🎉d")
    const { doc: deleted, steps: deletion } = replay(start, [[5, 1, ""]])
    expect([deletion[0].from, deletion[0].to]).toEqual([8, 10])
    expect(docToText(deleted)).toBe("a😀b\ncd")
  })

  it("returns no steps for an empty patch", () => {
    expect(new TextPatcher(textToDoc("ab")).patchToSteps(1, 0, "")).toEqual([])
  })

  it("refuses patches outside the text", () => {
    const patcher = new TextPatcher(textToDoc("ab\nc"))
    expect(() => patcher.patchToSteps(5, 0, "x")).toThrow(RangeError)
    expect(() => patcher.patchToSteps(2, 3, "")).toThrow(RangeError)
    expect(() => patcher.patchToSteps(-1, 0, "x")).toThrow(RangeError)
  })

  it("refuses documents that are not text paragraphs", () => {
    expect(() => new TextPatcher(doc(schema.node("heading", null, schema.text("x"))))).toThrow(RangeError)
  })

  it("keeps the id on the first half of a split and numbers new paragraphs after the highest id", () => {
    const result = replay(textToDoc("ab\ncd", true), [[1, 0, "\n"], [0, 0, "x\n"]]).doc
    expect(result.eq(doc(p({ id: "p1" }, "x"), p({ id: "p4" }, "a"), p({ id: "p3" }, "b"), p({ id: "p2" }, "cd")))).toBe(true)
  })

  it("agrees with a string model on random edits", () => {
    let seed = 42
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return Math.floor((seed / 2147483648) * n)
    }
    const alphabet = ["a", "b", "\n", "😀", "é", "\n"]
    let text = "start\n😀\nend"
    let current = textToDoc(text)
    const patcher = new TextPatcher(current)
    for (let i = 0; i < 3000; i++) {
      const length = codePointLength(text)
      const pos = random(length + 1)
      const numDeleted = random(4) == 0 ? random(Math.min(length - pos, 12) + 1) : 0
      let insert = ""
      for (let n = random(5); n > 0; n--) insert += alphabet[random(alphabet.length)]
      for (const step of patcher.patchToSteps(pos, numDeleted, insert)) current = step.apply(current).doc!
      text = applyPatch(text, [pos, numDeleted, insert])
      expect(docToText(current)).toBe(text)
      expect(patcher.length).toBe(codePointLength(text))
    }
    expect(current.childCount).toBeGreaterThan(200)
  })
})

describe("trace replay", () => {
  it.each(traceNames)("replays %s to its end content", name => {
    const trace = loadTrace(name)
    const result = replay(textToDoc(trace.startContent), flattenPatches(trace))
    expect(docToText(result.doc) === trace.endContent).toBe(true)
  })
})
