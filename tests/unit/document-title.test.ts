import { describe, expect, it } from "vitest"
import { builders } from "prosemirror-test-builder"
import { DocAttrStep, Step, Transform } from "prosemirror-transform"
import { schema, checkStepContent, cleanTitle, renameStep, titleOf, titleProblem, maxTitleLength, compactJSON } from "../../lib/schema"
import { transformBatch, summarizeSteps, summaryText } from "../../lib/ot"
import type { StepJSON } from "../../lib/protocol"
import { ada, bob, historyHub } from "./history-hub"

const b = builders(schema)

describe("a document's title", () => {
  it("is a string of at most 200 characters on one line", () => {
    expect(titleProblem("Plans for 2027")).toBeNull()
    expect(titleProblem("")).toBeNull()
    expect(titleProblem("x".repeat(maxTitleLength))).toBeNull()
    expect(titleProblem("x".repeat(maxTitleLength + 1))).toMatch(/at most 200 characters/)
    expect(titleProblem("two\nlines")).toMatch(/control characters/)
    expect(titleProblem("tab\there")).toMatch(/control characters/)
    expect(titleProblem(42)).toMatch(/must be a string/)
    expect(titleProblem(null)).toMatch(/must be a string/)
  })

  it("is cleaned from what a person typed or pasted", () => {
    expect(cleanTitle("  Plans\n for\t2027  ")).toBe("Plans for 2027")
    expect(cleanTitle("y".repeat(300))).toHaveLength(maxTitleLength)
    // An emoji at the cut goes whole rather than leaving half of it.
    expect(cleanTitle("e".repeat(maxTitleLength - 1) + "😀 end")).toBe("e".repeat(maxTitleLength - 1))
    expect(cleanTitle("e".repeat(maxTitleLength - 2) + "😀 end")).toBe("e".repeat(maxTitleLength - 2) + "😀")
  })

  it("is set by a DocAttrStep, which the schema checks", () => {
    const doc = b.doc(b.paragraph("hello"))
    expect(checkStepContent(renameStep("Plans"), doc)).toBeNull()
    expect(checkStepContent(renameStep("x".repeat(201)), doc)).toMatch(/at most 200/)
    expect(checkStepContent(new DocAttrStep("title", 7), doc)).toMatch(/must be a string/)
    expect(checkStepContent(new DocAttrStep("owner", "me"), doc)).toMatch(/Unsupported attribute owner/)
    expect(checkStepContent(new DocAttrStep("constructor", "x"), doc)).toMatch(/Unsupported attribute constructor/)
    const renamed = renameStep("Plans").apply(doc).doc!
    expect(titleOf(renamed)).toBe("Plans")
    expect(titleOf(doc)).toBe("")
  })

  it("round-trips through JSON and compact snapshots, and an untitled snapshot reads as untitled", () => {
    const doc = renameStep("Plans").apply(b.doc(b.paragraph("hello"))).doc!
    expect(compactJSON(doc).attrs).toEqual({ title: "Plans" })
    expect(titleOf(schema.nodeFromJSON(compactJSON(doc)))).toBe("Plans")
    expect(compactJSON(b.doc(b.paragraph("x"))).attrs).toBeUndefined()
    expect(Step.fromJSON(schema, renameStep("Plans").toJSON()).toJSON()).toEqual({ stepType: "docAttr", attr: "title", value: "Plans" })
  })

  it("goes through the OT core past concurrent edits, and edits go past a concurrent rename", () => {
    const start = b.doc(b.paragraph("hello"))
    const theirs = new Transform(start).insert(6, schema.text(" world")).split(3)
    const mine = new Transform(start).step(renameStep("Plans")).insert(6, schema.text("!"))
    const result = transformBatch(theirs.doc, mine.steps, theirs.mapping.maps)
    expect(result.dropped).toEqual([])
    expect(titleOf(result.doc)).toBe("Plans")
    expect(result.doc.textContent).toBe("hello world!")

    const renamed = new Transform(start).step(renameStep("Other"))
    const typed = new Transform(start).insert(6, schema.text("!"))
    const over = transformBatch(renamed.doc, typed.steps, renamed.mapping.maps)
    expect(titleOf(over.doc)).toBe("Other")
    expect(over.doc.textContent).toBe("hello!")
  })

  it("is described as a rename in the history", () => {
    const doc = b.doc(b.paragraph("hello"))
    expect(summaryText(summarizeSteps(doc, [renameStep("Plans")]))).toBe("renamed the document to 'Plans'")
    expect(summaryText(summarizeSteps(doc, [renameStep("")]))).toBe("removed the document's title")
  })
})

describe("a rename on the hub", () => {
  it("commits a valid title, last writer wins, and refuses a bad one with the document unchanged", async () => {
    const h = await historyHub(b.doc(b.paragraph("hello")))
    try {
      const first = await h.submitSteps(ada, 1, [renameStep("Plans").toJSON() as StepJSON])
      expect(first.summary).toBe("renamed the document to 'Plans'")
      // Bob renames on the same base, without having seen Ada's rename: his, committed later, wins.
      await h.submitSteps(bob, 1, [renameStep("Budget").toJSON() as StepJSON])
      expect(titleOf(await h.docAt(3))).toBe("Budget")
      for (const [i, value] of ["x".repeat(201), "a\nb", 5].entries()) {
        const someone = { ...ada, clientId: `someone-${i}` }
        await expect(h.submitSteps(someone, 3, [new DocAttrStep("title", value).toJSON() as StepJSON])).rejects.toMatchObject({ code: "ERR_SCHEMA_VIOLATION" })
      }
      await expect(h.submitSteps({ ...bob, clientId: "another" }, 3, [new DocAttrStep("owner", "x").toJSON() as StepJSON])).rejects.toMatchObject({ code: "ERR_SCHEMA_VIOLATION" })
      expect(await h.ops()).toHaveLength(3)
      const open = h.hub.documents.peek(h.docId)!
      expect(titleOf(open.doc)).toBe("Budget")
      expect(open.doc.textContent).toBe("hello")
      // A packed head still names its title, without being unpacked.
      expect(await open.pack()).toBe(true)
      expect(open.title).toBe("Budget")
      expect(open.isPacked).toBe(true)
    } finally {
      await h.close()
    }
  })
})
