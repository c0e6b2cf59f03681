import { Fragment, Mark, type Node, type Attrs, type NodeType, type Schema } from "prosemirror-model"
import type { NodeJSON } from "./compact-json"
import { NodeConstructor } from "./internals/node-constructor"

/**
 * A textblock of plain text (one unmarked text node, or none) whose attributes are its type's defaults
 * but for its block id, held as one string: the id's length as a character, the id, the text. A
 * ProseMirror tree spends on such a block a node, its attributes, the id, a fragment, an array, a
 * text node and the text, which outweigh a line of 30 characters several times over (bench:doc-memory
 * measures it). A cold block costs its string and itself.
 *
 * It is a ProseMirror node like any other: its size is known without its content, and the first read
 * of its `attrs` or `content` (a step resolving a position inside it, a summary quoting it, `eq`)
 * builds the node it stands for and keeps it (beside it, in `built`: few blocks are ever built, and a
 * field would cost every block), so every ProseMirror function sees the same document. `cool` lets the
 * built node go again. The hub holds its head documents so (see `coolBlocks`).
 */
export class ColdBlock extends NodeConstructor {
  /** The id's length as a character, the id, the text. */
  private source!: string

  private constructor(type: NodeType, source: string) {
    super(type, null, null, Mark.none)
    this.source = source
  }

  /**
   * `type`'s block of `text` with attributes `attrs` held cold, or null when the attributes are not
   * their defaults but for a string id.
   */
  static of(type: NodeType, attrs: Attrs, text: string): ColdBlock | null {
    const id = attrs.id
    // The id's length is held as one character: ids are at most 64 characters (validateId).
    if (typeof id != "string" || id.length > 0xffff) return null
    const specs = type.spec.attrs ?? {}
    for (const name in attrs) if (name != "id" && (!(name in specs) || attrs[name] !== specs[name].default)) return null
    // Joined rather than added: `+` makes a rope that keeps both parts alive besides the whole.
    return new ColdBlock(type, [String.fromCharCode(id.length), id, text].join(""))
  }

  /** The block's text while nothing has built it, else null. */
  get coldText(): string | null {
    return built.has(this) ? null : this.blockText
  }

  /** The block's id, without building it. */
  get blockId(): string {
    return this.source.slice(1, 1 + this.source.charCodeAt(0))
  }

  private get blockText(): string {
    return this.source.slice(1 + this.source.charCodeAt(0))
  }

  override get nodeSize(): number {
    return 1 + this.source.length - this.source.charCodeAt(0)
  }

  override get textContent(): string {
    return this.blockText
  }

  override toJSON(): NodeJSON {
    const json: NodeJSON = { type: this.type.name, attrs: this.type.create({ id: this.blockId }).attrs }
    const text = this.blockText
    if (text) json.content = [{ type: "text", text }]
    return json
  }

  /** The block in compact JSON (see compactJSON), without building it. */
  compactJSON(): NodeJSON {
    const json: NodeJSON = { type: this.type.name, attrs: { id: this.blockId } }
    const text = this.blockText
    if (text) json.content = [{ type: "text", text }]
    return json
  }

  /** Check the node this block stands for, without keeping it (a whole document's check would build every block). */
  override check(): void {
    ;(built.get(this) ?? this.build()).check()
  }

  /** Let go of the node built from this block. */
  cool(): void {
    built.delete(this)
  }

  /** The node this block stands for, built and kept. */
  node(): Node {
    let node = built.get(this)
    if (!node) built.set(this, (node = this.build()))
    return node
  }

  private build(): Node {
    const text = this.blockText
    return this.type.create({ id: this.blockId }, text ? this.type.schema.text(text) : null)
  }
}

/** The nodes cold blocks stand for, once built. */
const built = new WeakMap<ColdBlock, Node>()

// Nodes hold `attrs`, `marks` and `content` as fields, which prosemirror-model's constructor assigns;
// a cold block reads them from the node it builds, and takes no marks.
const ignore = () => {}
Object.defineProperties(ColdBlock.prototype, {
  attrs: { get(this: ColdBlock) { return this.node().attrs }, set: ignore },
  content: { get(this: ColdBlock) { return this.node().content }, set: ignore },
  marks: { get() { return Mark.none }, set: ignore }
})

/** The text of content made of one unmarked text node, "" for none, null for anything else. */
function plainText(content: Fragment): string | null {
  if (content.childCount == 0) return ""
  const child = content.firstChild!
  return content.childCount == 1 && child.isText && !child.marks.length ? child.text! : null
}

/**
 * `node` with every textblock that can be (see ColdBlock) held as a ColdBlock, and the nodes cold
 * blocks built since let go. Returns `node` itself when no block was replaced; only the nodes on the
 * way to a replaced one are copied.
 */
export function coolBlocks(node: Node): Node {
  if (node instanceof ColdBlock) {
    node.cool()
    return node
  }
  if (node.isTextblock) {
    const text = node.marks.length ? null : plainText(node.content)
    return (text != null && ColdBlock.of(node.type, node.attrs, text)) || node
  }
  if (node.isLeaf || node.isInline) return node
  let children: Node[] | null = null
  node.forEach((child, _offset, index) => {
    const cooled = coolBlocks(child)
    if (cooled !== child) (children ??= node.content.content.slice())[index] = cooled
  })
  return children ? node.copy(Fragment.fromArray(children)) : node
}

/**
 * The node `json` describes, as `schema.nodeFromJSON` builds it (checked the same way), with the
 * textblocks that can be held as ColdBlocks from the start.
 */
export function coldFromJSON(schema: Schema, json: NodeJSON): Node {
  const type = json && typeof json == "object" ? schema.nodes[json.type] : undefined
  if (!type || type.isLeaf || type.isText || json.marks) return schema.nodeFromJSON(json)
  if (type.isTextblock) {
    const text = plainJSONText(json.content)
    if (text == null) return schema.nodeFromJSON(json)
    // Its attributes built and checked as nodeFromJSON does, on the block without its content.
    const shell = schema.nodeFromJSON({ type: json.type, attrs: json.attrs })
    return ColdBlock.of(type, shell.attrs, text) ?? shell.copy(text ? Fragment.from(schema.text(text)) : Fragment.empty)
  }
  if (json.content != null && !Array.isArray(json.content)) return schema.nodeFromJSON(json)
  const content = Fragment.fromArray((json.content ?? []).map(child => coldFromJSON(schema, child)))
  return schema.nodeFromJSON({ type: json.type, attrs: json.attrs }).copy(content)
}

/** The text of textblock content in JSON made of one unmarked text node, "" for none, null otherwise. */
function plainJSONText(content: NodeJSON[] | undefined): string | null {
  if (content == null) return ""
  if (!Array.isArray(content)) return null
  if (content.length == 0) return ""
  const child = content[0]
  if (content.length != 1 || !child || child.type != "text" || child.marks || child.attrs) return null
  return typeof child.text == "string" && child.text ? child.text : null
}
