import type { Attrs, Mark, Node } from "prosemirror-model"
import { ColdBlock } from "./cold-block"

/** ProseMirror's JSON form of a node, as `Node.toJSON` gives it. */
export type NodeJSON = {
  type: string
  attrs?: Attrs
  content?: NodeJSON[]
  marks?: { type: string; attrs?: Attrs }[]
  text?: string
}

/**
 * `node` in ProseMirror's JSON form without the attributes that hold their default value, which
 * `Node.fromJSON` fills in again. Snapshots are stored so: a fifth smaller, and read back in about half
 * the time, since every block carries id, vv and conflict, mostly null.
 */
export function compactJSON(node: Node): NodeJSON {
  if (node instanceof ColdBlock) return node.compactJSON()
  const json: NodeJSON = { type: node.type.name }
  const attrs = changedAttrs(node.attrs, node.type.spec.attrs)
  if (attrs) json.attrs = attrs
  if (node.isText) json.text = node.text
  else if (node.content.size) {
    const content: NodeJSON[] = []
    node.forEach(child => content.push(compactJSON(child)))
    json.content = content
  }
  if (node.marks.length) json.marks = node.marks.map(compactMark)
  return json
}

function compactMark(mark: Mark): { type: string; attrs?: Attrs } {
  const attrs = changedAttrs(mark.attrs, mark.type.spec.attrs)
  return attrs ? { type: mark.type.name, attrs } : { type: mark.type.name }
}

/** The attributes whose value is not their spec's default, or null when there are none. */
function changedAttrs(attrs: Attrs, specs: { [name: string]: { default?: unknown } } | undefined): Attrs | null {
  let changed: Record<string, unknown> | null = null
  for (const name in attrs) {
    const spec = specs?.[name]
    if (spec && "default" in spec && spec.default === attrs[name]) continue
    ;(changed ??= {})[name] = attrs[name]
  }
  return changed
}
