import { describe, expect, it } from "vitest"
import { Node } from "prosemirror-model"
import { withoutResolveCache } from "../../lib/ot/resolve-cache"
import { b } from "../support/builders"

const { doc, p, h1 } = b

describe("withoutResolveCache", () => {
  it("resolves the same positions without the cache, and puts the cache back afterwards, also after a throw", () => {
    const cached = Node.prototype.resolve
    const d = doc(h1("title"), p("one"), p("two"))
    const expected = Array.from({ length: d.content.size + 1 }, (_, pos) => d.resolve(pos))
    const inside = withoutResolveCache(() => {
      expect(Node.prototype.resolve).not.toBe(cached)
      return Array.from({ length: d.content.size + 1 }, (_, pos) => d.resolve(pos))
    })
    expect(inside.map(r => [r.pos, r.depth, r.parentOffset, r.parent.type.name])).toEqual(expected.map(r => [r.pos, r.depth, r.parentOffset, r.parent.type.name]))
    expect(Node.prototype.resolve).toBe(cached)
    expect(() => withoutResolveCache(() => { throw new Error("boom") })).toThrow("boom")
    expect(Node.prototype.resolve).toBe(cached)
    // Nested calls leave the outer one's state alone.
    withoutResolveCache(() => {
      const outer = Node.prototype.resolve
      withoutResolveCache(() => d.resolve(1))
      expect(Node.prototype.resolve).toBe(outer)
    })
    expect(Node.prototype.resolve).toBe(cached)
  })
})
