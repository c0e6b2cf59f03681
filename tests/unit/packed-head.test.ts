import { describe, expect, it } from "vitest"
import { schema } from "../../lib/schema"
import { packHead, unpackHead, unpackJSON } from "../../server/hub/packed-head"
import { compactJSON } from "../../lib/schema"

describe("packed heads", () => {
  const doc = schema.node("doc", null, [
    schema.node("heading", { id: "h1", level: 2 }, schema.text("Title")),
    schema.node("paragraph", { id: "p1" }, [schema.text("plain "), schema.text("bold", [schema.marks.strong.create()])]),
    schema.node("bullet_list", { id: "l1" }, [schema.node("list_item", { id: "i1" }, schema.node("paragraph", { id: "p2" }, schema.text("item")))])
  ])

  it("unpacks to an equal document, and to the compact JSON a join sends", async () => {
    const packed = await packHead(doc)
    expect(unpackHead(packed).eq(doc)).toBe(true)
    expect(unpackJSON(packed)).toEqual(compactJSON(doc))
    expect(packed.length).toBeLessThan(JSON.stringify(compactJSON(doc)).length)
  })

  it("holds a small document in a buffer of its own size, not a view of zlib's output chunk", async () => {
    const packed = await packHead(doc)
    expect(packed.buffer.byteLength).toBe(packed.length)
  })
})
