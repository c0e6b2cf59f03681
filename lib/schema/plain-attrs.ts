import type { Attrs, NodeType, Schema } from "prosemirror-model"

/** NodeType's internal attribute builder, which `create`, `createChecked`, `createAndFill` and `Node.fromJSON` call. */
type AttrsBuilder = { computeAttrs(attrs: Attrs | null): Attrs; defaultAttrs: Attrs | null }

/**
 * Make `schema`'s node types give their nodes attributes as plain objects. prosemirror-model builds each
 * node's attributes with `Object.create(null)`, which V8 keeps in dictionary mode: a hash table of its
 * own, about 150 bytes more than a plain object with the same three fields. Every block of this schema
 * has an id, so every block has attributes of its own: on a document of short lines that is a large
 * share of the tree (bench:doc-memory measures it). The attributes are checked, defaulted and
 * validated by ProseMirror as before (its builder still runs; this copies its result), and a node whose
 * attributes are all defaults shares the type's default object, as ProseMirror does when given none.
 * `computeAttrs` is internal to prosemirror-model: tests/unit/plain-attrs.test.ts fails if it goes.
 */
export function usePlainAttrs(schema: Schema): void {
  for (const type of Object.values(schema.nodes) as (NodeType & AttrsBuilder)[]) {
    const build = type.computeAttrs
    if (typeof build != "function") return
    const names = Object.keys(type.spec.attrs ?? {})
    if (!names.length) continue
    type.computeAttrs = function (this: NodeType & AttrsBuilder, given: Attrs | null): Attrs {
      const built = build.call(this, given)
      const defaults = this.defaultAttrs
      if (built === defaults) return built
      const plain: Record<string, unknown> = {}
      let allDefault = defaults != null
      for (const name of names) {
        const value = built[name]
        plain[name] = value
        if (allDefault && value !== defaults![name]) allDefault = false
      }
      return allDefault ? defaults! : plain
    }
  }
}
