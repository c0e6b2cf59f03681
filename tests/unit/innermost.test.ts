import { describe, expect, it } from "vitest"
import { schema } from "../../lib/schema"
import { innermostAt, textblockAround } from "../../lib/schema/innermost"

const p = (text: string) => schema.node("paragraph", null, text ? [schema.text(text)] : [])
const doc = schema.node("doc", null, [
  p("one"),
  schema.node("bullet_list", null, [schema.node("list_item", null, [p("two"), p("")]), schema.node("list_item", null, [p("three")])]),
  schema.node("blockquote", null, [p("four")]),
  schema.node("horizontal_rule"),
  p("")
])

describe("innermostAt", () => {
  it("finds, at every position of a nested document, the parent and content start that resolve gives", () => {
    for (let pos = 0; pos <= doc.content.size; pos++) {
      const $pos = doc.resolve(pos)
      const found = innermostAt(doc, pos)
      expect([pos, found.node === $pos.parent, found.start]).toEqual([pos, true, $pos.start()])
      const block = textblockAround(doc, pos)
      expect([pos, block?.before ?? null]).toEqual([pos, $pos.parent.isTextblock ? $pos.before() : null])
    }
  })
})
