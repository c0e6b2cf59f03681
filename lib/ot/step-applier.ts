import { Mark, type Node, type Schema, type Slice } from "prosemirror-model"
import { ReplaceStep, type Step, StepResult } from "prosemirror-transform"
import { isStructureReplace } from "./structure-replace"
import { BlockStarts } from "./block-starts"

/**
 * Applies a run of steps, each to the document the one before it made, with the result `step.apply`
 * gives, faster for the common case. `step.apply` resolves its positions from the top of the document,
 * scanning the top-level blocks each time; a run of typing and deleting inside textblocks (paragraphs,
 * headings, code blocks, also inside lists and quotes) instead finds its top-level block through an
 * index of block starts kept along the run, replaces inside the textblock alone and puts the blocks
 * around it back. It resolves no position: prosemirror-model memoizes every resolve in a cache keyed by
 * the node, which keeps each of a run's short-lived documents alive until a full collection. Any other step, and any
 * such replace that does not fit, is applied by `step.apply` itself, failure or exception included.
 * The first step of a run, or one on a document the applier did not make, goes to `step.apply` too:
 * indexing costs as much as one scan, worth it only from the second step of a run on. Holds on to the
 * last document it made: keep one per run.
 */
export class StepApplier {
  /** The document the last step applied made. */
  private last: Node | null = null
  private readonly blocks = new BlockStarts()

  apply(doc: Node, step: Step): StepResult {
    const fast = step instanceof ReplaceStep && doc === this.last ? this.replaceInBlock(doc, step) : null
    if (fast) return StepResult.ok((this.last = fast))
    const result = step.apply(doc)
    this.last = result.doc
    return result
  }

  /** The document after a replace inside one textblock, or null to leave it to `step.apply`. */
  private replaceInBlock(doc: Node, step: ReplaceStep): Node | null {
    const { from, to, slice } = step
    if (slice.openStart || slice.openEnd || from > to || (from < to && isStructureReplace(step))) return null
    if (doc.childCount == 0) return null
    const blocks = this.blocks
    if (!blocks.describes(doc)) blocks.index(doc)
    const low = blocks.blockAt(from)
    const block = doc.child(low), start = blocks.start(low)
    // Strictly inside the block: its content runs from start + 1 to start + nodeSize - 1.
    if (from <= start || to >= start + block.nodeSize) return null
    const replaced = replaceWithin(block, from - start - 1, to - start - 1, slice)
    if (!replaced) return null
    const next = doc.copy(doc.content.replaceChild(low, replaced))
    blocks.resized(next, low, replaced.nodeSize - block.nodeSize)
    return next
  }

  /** Let go of the last document made and its index, so that they can be collected (the next step starts a run). */
  forget(): void {
    this.last = null
    this.blocks.forget()
  }
}

/**
 * `block` with its content from `from` to `to` (offsets in it) replaced by the slice's text, when both
 * lie in one text node, the slice is empty or one text node with that node's marks, and the node keeps
 * some text (typing goes strictly inside it); otherwise null. The result equals `block.replace`'s
 * (which cuts the text node in pieces and joins them with the new text, the same marks merging into
 * one node) without prosemirror-model's TextNode.cut, which hashes every piece to intern it (V8 keeps
 * a sliced string's parent alive; see its v8InternHack): O(text node) per keystroke, a real cost in a
 * long paragraph. The string made here is flattened by the next slice taken of it, which lets go of
 * the old text. The block's content stays valid: the same node types with the same marks.
 */
function replaceText(block: Node, from: number, to: number, slice: Slice): Node | null {
  const inserted = slice.content.firstChild
  if (inserted && (slice.content.childCount != 1 || !inserted.isText)) return null
  const { node: child, index, offset: childStart } = block.childAfter(from)
  if (!child) return null
  const at = from - childStart, end = to - childStart
  if (!child.isText || end > child.nodeSize || (inserted && !Mark.sameSet(child.marks, inserted.marks))) return null
  if (from == to ? at <= 0 : !inserted && at == 0 && end == child.nodeSize) return null
  const text = child.text!
  const joined = child.type.schema.text(text.slice(0, at) + (inserted ? inserted.text! : "") + text.slice(end), child.marks)
  return block.copy(block.content.replaceChild(index, joined))
}

/**
 * `node` with a closed slice replacing `from` to `to` (positions in its content) inside one of its
 * textblocks, itself or one that contains both positions, as `node.replace` makes it; null when no
 * textblock does or the result is not valid there.
 */
function replaceWithin(node: Node, from: number, to: number, slice: Slice): Node | null {
  if (node.isTextblock) return replaceText(node, from, to, slice) ?? replaceInline(node, from, to, slice)
  const { node: child, index, offset: start } = node.childAfter(from)
  if (!child || from <= start || to >= start + child.nodeSize) return null
  const replaced = replaceWithin(child, from - start - 1, to - start - 1, slice)
  return replaced && node.copy(node.content.replaceChild(index, replaced))
}

/**
 * `block`, a textblock, with its content from `from` to `to` replaced by the content of a closed
 * slice, as `block.replace` makes it, or null when the result is not valid content for the block (or
 * the schema has inline nodes with content, where a position could point inside one).
 */
function replaceInline(block: Node, from: number, to: number, slice: Slice): Node | null {
  if (!flatInline(block.type.schema)) return null
  const content = block.content.cut(0, from).append(slice.content).append(block.content.cut(to))
  return block.type.validContent(content) ? block.copy(content) : null
}

/** Whether every inline node type of `schema` is a leaf, so that a position in a textblock never points inside an inline node. */
export function flatInline(schema: Schema): boolean {
  let flat = flatSchemas.get(schema)
  if (flat == null) flatSchemas.set(schema, (flat = Object.values(schema.nodes).every(type => !type.isInline || type.isLeaf)))
  return flat
}

const flatSchemas = new WeakMap<Schema, boolean>()
