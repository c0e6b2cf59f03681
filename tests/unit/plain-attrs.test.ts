import { describe, expect, it } from "vitest"
import { Node } from "prosemirror-model"
import { schema, compactJSON } from "../../lib/schema"

describe("schema: node attributes as plain objects", () => {
  it("gives a block with an id a plain object, built by create and by fromJSON alike", () => {
    const made = schema.node("paragraph", { id: "b1" }, schema.text("hi"))
    const parsed = Node.fromJSON(schema, compactJSON(made))
    for (const node of [made, parsed, schema.nodes.heading.create({ id: "h1", level: 2 })]) {
      expect(Object.getPrototypeOf(node.attrs)).toBe(Object.prototype)
    }
    expect(parsed.attrs).toEqual(made.attrs)
    expect(parsed.eq(made)).toBe(true)
    expect(made.attrs).toEqual({ id: "b1", vv: null, conflict: null })
  })

  it("shares the type's default attributes when every value is its default, given or not", () => {
    const a = schema.node("paragraph", null), b = schema.node("paragraph", { id: null }), c = schema.node("paragraph", { id: null, vv: null })
    expect(b.attrs).toBe(a.attrs)
    expect(c.attrs).toBe(a.attrs)
    expect(schema.node("paragraph", { id: "x" }).attrs).not.toBe(a.attrs)
  })

  it("still defaults and validates attributes as ProseMirror does", () => {
    expect(schema.nodes.heading.create({ id: "h" }).attrs.level).toBe(1)
    expect(() => schema.node("paragraph", { id: "b", vv: [1] })).toThrow(/vv must be null or an object/)
    expect(() => Node.fromJSON(schema, { type: "paragraph", attrs: { vv: "x" } })).toThrow(RangeError)
  })
})
