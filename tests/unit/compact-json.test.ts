import { describe, expect, it } from "vitest"
import { Node } from "prosemirror-model"
import { compactJSON, schema } from "../../lib/schema"
import { b } from "../support/builders"

describe("compactJSON", () => {
  it("leaves out default attributes and reads back into an equal document", () => {
    const doc = b.doc(
      b.p("plain"),
      schema.node("paragraph", { id: "b1", vv: { c1: 2 } }, [schema.text("kept")]),
      b.h2("level ", b.strong("two")),
      b.h1("level one"),
      schema.node("ordered_list", { order: 3 }, [b.li(b.p("third"))]),
      b.ol(b.li(b.p("first"))),
      b.p(b.a("link"), " ", schema.text("titled", [schema.marks.link.create({ href: "https://example.com/t", title: "T" })]), b.br()),
      b.pre("code"), b.hr(), b.p()
    )
    const json = compactJSON(doc)
    expect(Node.fromJSON(schema, json).eq(doc)).toBe(true)
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "plain" }] },
        { type: "paragraph", attrs: { id: "b1", vv: { c1: 2 } }, content: [{ type: "text", text: "kept" }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "level " }, { type: "text", text: "two", marks: [{ type: "strong" }] }] },
        { type: "heading", content: [{ type: "text", text: "level one" }] },
        { type: "ordered_list", attrs: { order: 3 }, content: [{ type: "list_item", content: [{ type: "paragraph", content: [{ type: "text", text: "third" }] }] }] },
        { type: "ordered_list", content: [{ type: "list_item", content: [{ type: "paragraph", content: [{ type: "text", text: "first" }] }] }] },
        { type: "paragraph", content: [
          { type: "text", text: "link", marks: [{ type: "link", attrs: { href: "https://example.com" } }] },
          { type: "text", text: " " },
          { type: "text", text: "titled", marks: [{ type: "link", attrs: { href: "https://example.com/t", title: "T" } }] },
          { type: "hard_break" }
        ] },
        { type: "code_block", content: [{ type: "text", text: "code" }] },
        { type: "horizontal_rule" },
        { type: "paragraph" }
      ]
    })
    expect(JSON.stringify(json).length).toBeLessThan(JSON.stringify(doc.toJSON()).length * 0.7)
  })

  it("relies on attribute defaults that stay as they are (snapshots leave them out)", () => {
    const defaults = (specs: Record<string, { spec: { attrs?: Record<string, { default?: unknown }> } }>) =>
      Object.fromEntries(Object.entries(specs).map(([name, type]) => [name, Object.fromEntries(
        Object.entries(type.spec.attrs ?? {}).map(([attr, spec]) => [attr, "default" in spec ? spec.default : "(required)"]))]))
    const block = { id: null, vv: null, conflict: null }
    expect(defaults(schema.nodes)).toEqual({
      doc: { title: "" }, paragraph: block, heading: { ...block, level: 1 }, blockquote: block, code_block: block,
      horizontal_rule: block, bullet_list: block, ordered_list: { ...block, order: 1 }, list_item: { id: null },
      text: {}, hard_break: {}
    })
    expect(defaults(schema.marks)).toEqual({ strong: {}, em: {}, strike: {}, code: {}, link: { href: "(required)", title: null } })
  })
})
