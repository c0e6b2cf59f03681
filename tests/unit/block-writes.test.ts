import { describe, expect, it } from "vitest"
import { schema } from "../../lib/schema"
import { applyWrites, blockWrites } from "../../lib/strategies/block-writes"
import type { LwwStamp } from "../../lib/protocol"

const para = (id: string, text: string) => schema.node("paragraph", { id }, text ? [schema.text(text)] : [])
const doc = (...blocks: ReturnType<typeof para>[]) => schema.node("doc", null, blocks)
const stamp = (clientId: string, clock: number): LwwStamp => ({ clientId, author: { name: clientId, color: "#000000" }, clock, skew: 0 })

describe("block writes", () => {
  it("lists changed, new and removed blocks by id", () => {
    const before = doc(para("a", "one"), para("b", "two"), para("c", "three"))
    const after = doc(para("a", "one"), para("b", "TWO"), para("n", "new"))
    expect(blockWrites(before, after, "block").map(w => [w.id, w.node ? "set" : "delete", w.after])).toEqual([
      ["b", "set", "a"], ["n", "set", "b"], ["c", "delete", null]
    ])
    expect(blockWrites(before, after, "document").map(w => w.id)).toEqual(["a", "b", "n", "c"])
  })

  it("writes nothing for an edit of no block (a rename), and a batch of no writes stamps no register", () => {
    const before = doc(para("a", "one"), para("b", "two"))
    const renamed = schema.node("doc", { title: "Plans" }, [para("a", "one"), para("b", "two")])
    for (const granularity of ["block", "document"] as const) {
      expect(blockWrites(before, renamed, granularity)).toEqual([])
      const stamps = new Map<string, LwwStamp>()
      expect(applyWrites(schema, before, stamps, [], stamp("one", 5), granularity)).toEqual({ steps: [], doc: before, records: [] })
      expect(stamps.size).toBe(0)
    }
  })

  it("keeps the newer stamp per block and records what the older one carried", () => {
    const head = doc(para("a", "headline"), para("b", "body"))
    const stamps = new Map<string, LwwStamp>()
    const first = applyWrites(schema, head, stamps, blockWrites(head, doc(para("a", "headline!"), para("b", "body")), "block"), stamp("delhi", 200), "block")
    expect(first.doc.firstChild!.textContent).toBe("headline!")
    const second = applyWrites(schema, first.doc, stamps, blockWrites(head, doc(para("a", "headline?"), para("b", "body+")), "block"), stamp("mumbai", 100), "block")
    expect(second.doc.textContent).toBe("headline!body+")
    expect(second.records.map(r => [r.block, r.won, r.text, r.beatenBy?.clientId])).toEqual([["a", false, "headline?", "delhi"], ["b", true, "body+", undefined]])
  })

  it("a writer's second write in the same millisecond replaces its first", () => {
    const head = doc(para("a", "ite"))
    for (const granularity of ["block", "document"] as const) {
      const stamps = new Map<string, LwwStamp>()
      const first = applyWrites(schema, head, stamps, blockWrites(head, doc(para("a", "item")), granularity), stamp("typist", 500), granularity)
      const second = applyWrites(schema, first.doc, stamps, blockWrites(first.doc, doc(para("a", "items")), granularity), stamp("typist", 500), granularity)
      expect([second.doc.textContent, second.records.map(r => r.won)]).toEqual(["items", [true]])
      // Another writer's write at the same clock still loses to the larger client id.
      const other = applyWrites(schema, second.doc, stamps, blockWrites(second.doc, doc(para("a", "item?")), granularity), stamp("another", 500), granularity)
      expect([other.doc.textContent, other.records.map(r => r.won)]).toEqual(["items", [false]])
    }
  })

  it("with document granularity a later whole-document write replaces everything", () => {
    const head = doc(para("a", "x"), para("b", "y"))
    const stamps = new Map<string, LwwStamp>()
    const won = applyWrites(schema, head, stamps, blockWrites(head, doc(para("a", "x1"), para("b", "y")), "document"), stamp("one", 5), "document")
    const lost = applyWrites(schema, won.doc, stamps, blockWrites(head, doc(para("a", "x"), para("b", "y2")), "document"), stamp("two", 4), "document")
    expect(lost.doc.textContent).toBe("x1y")
    expect(lost.records[0]).toMatchObject({ block: "document", won: false, text: "x\ny2" })
  })

  it("refuses a write whose node is not a block with that id", () => {
    const head = doc(para("a", "x"))
    expect(() => applyWrites(schema, head, new Map(), [{ id: "a", node: { type: "text", text: "x" }, after: null }], stamp("c", 1), "block")).toThrow()
    expect(() => applyWrites(schema, head, new Map(), [{ id: "a", node: para("b", "x").toJSON(), after: null }], stamp("c", 1), "block")).toThrow(/id b/)
  })
})
