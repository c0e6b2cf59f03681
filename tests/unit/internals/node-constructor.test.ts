import { describe, expect, it } from "vitest"
import { Mark, Node } from "prosemirror-model"
import { NodeConstructor } from "../../../lib/schema/internals/node-constructor"
import { schema } from "../../../lib/schema"

// lib/schema/internals/node-constructor.ts relies on prosemirror-model's internal Node constructor (ColdBlock extends it).
describe("Node's constructor, internal to prosemirror-model", () => {
  it("is Node itself and makes the node NodeType.create makes", () => {
    expect(NodeConstructor).toBe(Node)
    const type = schema.nodes.paragraph
    const made = new NodeConstructor(type, type.create({ id: "a" }).attrs, type.create(null, schema.text("hi")).content, Mark.none)
    expect(made.eq(type.create({ id: "a" }, schema.text("hi")))).toBe(true)
    expect(made.nodeSize).toBe(4)
  })

  it("assigns attrs, marks and content, so that accessors on a subclass's prototype receive them", () => {
    const seen: Record<string, unknown> = {}
    class Probe extends NodeConstructor {}
    for (const name of ["attrs", "marks", "content"])
      Object.defineProperty(Probe.prototype, name, { get: () => seen[name], set: (value: unknown) => (seen[name] = value) })
    const type = schema.nodes.paragraph
    const attrs = type.create({ id: "b" }).attrs
    const probe = new Probe(type, attrs, null, Mark.none)
    expect(probe.type).toBe(type)
    expect(seen.attrs).toBe(attrs)
    expect(seen.marks).toBe(Mark.none)
    expect(Object.keys(seen).sort()).toEqual(["attrs", "content", "marks"])
    for (const name of ["attrs", "marks", "content"]) expect(Object.hasOwn(probe, name)).toBe(false)
  })

  it("has nodeSize and textContent as getters a subclass overrides for ProseMirror's own code", () => {
    for (const name of ["nodeSize", "textContent"]) expect(typeof Object.getOwnPropertyDescriptor(Node.prototype, name)?.get).toBe("function")
    class Sized extends NodeConstructor {
      override get nodeSize(): number {
        return 7
      }
    }
    const type = schema.nodes.paragraph
    const doc = schema.nodes.doc.create(null, [new Sized(type, type.create().attrs, null, Mark.none), type.create()])
    // A fragment's size, and every position after the block, come from its nodeSize.
    expect(doc.content.size).toBe(9)
    expect(doc.resolve(8).index(0)).toBe(1)
  })
})
