import { Node, type Attrs, type Fragment, type Mark, type NodeType } from "prosemirror-model"

// Node's constructor is @internal to prosemirror-model (nodes are made by NodeType.create and
// Schema.text), and its typings declare none. ColdBlock extends it: nothing public lets a node hold its
// content in another form, and the hub's memory per open document depends on it (bench:doc-memory).
// ColdBlock relies on the constructor assigning `attrs`, `marks` and `content` (so that accessors on a
// subclass's prototype receive them) and on `nodeSize` and `textContent` being getters it can
// override. The day prosemirror-model changes either, tests/unit/internals/node-constructor.test.ts fails.

/** prosemirror-model's Node constructor, for a subclass of Node. */
export const NodeConstructor = Node as unknown as new (type: NodeType, attrs: Attrs | null, content: Fragment | null, marks: readonly Mark[]) => Node
