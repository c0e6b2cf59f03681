import { Fragment, Mark, type Node, type Schema, type Slice } from "prosemirror-model"
import { AddMarkStep, AttrStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, type Step, StepMap, StepResult } from "prosemirror-transform"
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
    const fast = doc !== this.last ? null : (step instanceof ReplaceStep ? this.replaceInBlock(doc, step) ?? this.splitInBlock(doc, step) : null) ?? this.applyInBlock(doc, step)
    if (fast) return StepResult.ok((this.last = fast))
    const result = step.apply(doc)
    this.last = result.doc
    return result
  }

  /** The document after a replace inside one textblock, or null to leave it to `step.apply`. */
  private replaceInBlock(doc: Node, step: ReplaceStep): Node | null {
    const { from, to, slice } = step
    if (slice.openStart || slice.openEnd || !plainRange(step)) return null
    const found = this.topBlockAt(doc, from)
    if (!found) return null
    const { index, block, start } = found
    // Strictly inside the block: its content runs from start + 1 to start + nodeSize - 1.
    if (from <= start || to >= start + block.nodeSize) return null
    const replaced = replaceWithin(block, from - start - 1, to - start - 1, slice)
    if (!replaced) return null
    const next = doc.copy(doc.content.replaceChild(index, replaced))
    this.blocks.resized(next, index, replaced.nodeSize - block.nodeSize)
    return next
  }

  /**
   * The document after a replace that splits a top-level textblock (Enter) or pastes textblocks into
   * one: a slice open one deep on both sides, whose first node's content joins the block's content
   * before `from` and whose last node takes the content after `to`, as prosemirror-model's replace
   * joins them (the left part keeps the block's type and attributes, the right part the last node's);
   * or null to leave it to applyInBlock. Resolves no position and builds no document but the result.
   */
  private splitInBlock(doc: Node, step: ReplaceStep): Node | null {
    const { from, to, slice } = step
    const content = slice.content
    if (slice.openStart != 1 || slice.openEnd != 1 || content.childCount < 2 || !plainRange(step)) return null
    const found = this.topBlockAt(doc, from)
    if (!found) return null
    const { index, block, start } = found
    if (!block.isTextblock || from <= start || to >= start + block.nodeSize) return null
    const first = content.firstChild!, last = content.lastChild!
    if (!first.type.compatibleContent(block.type) || !block.type.compatibleContent(last.type)) return null
    const before = block.content.cut(0, from - start - 1).append(first.content)
    const after = last.content.append(block.content.cut(to - start - 1))
    if (!block.type.validContent(before) || !last.type.validContent(after)) return null
    const made = [block.copy(before), ...content.content.slice(1, -1), last.copy(after)]
    // As applyInBlock's document of one block: the document's rules for the blocks made, not their neighbours.
    if (!doc.type.validContent(Fragment.fromArray(made))) return null
    return this.splice(doc, index, made)
  }

  /**
   * The document after a step confined to one top-level block (splitting a paragraph, setting a block's
   * attribute, formatting inside it), applied to a document of that block alone and spliced back, or
   * null to leave it to `step.apply`: `step.apply` rebuilds the list of every top-level block.
   */
  private applyInBlock(doc: Node, step: Step): Node | null {
    const range = stepRange(step)
    if (!range || range.from > range.to) return null
    const found = this.topBlockAt(doc, range.from)
    if (!found) return null
    const { index, block, start } = found
    if (range.from < start || range.to > start + block.nodeSize) return null
    // Mapping by an offset changes no step, except that it returns null for some malformed ones.
    const shifted = step.map(StepMap.offset(-start))
    if (!shifted) return null
    let result: StepResult
    try {
      result = shifted.apply(doc.type.create(doc.attrs, block))
    } catch {
      return null
    }
    // A failure, or a block the document's content rules need its neighbours for, is step.apply's to report.
    if (!result.doc) return null
    return this.splice(doc, index, result.doc.content.content)
  }

  /** The top-level block of `doc` that starts last at or before `pos`, through the index of block starts; null in a document without blocks. */
  private topBlockAt(doc: Node, pos: number): { index: number; block: Node; start: number } | null {
    if (doc.childCount == 0) return null
    if (!this.blocks.describes(doc)) this.blocks.index(doc)
    const index = this.blocks.blockAt(pos)
    return { index, block: doc.child(index), start: this.blocks.start(index) }
  }

  /** `doc` with its top-level block `index` replaced by `made` (one block or more), the index of block starts following. */
  private splice(doc: Node, index: number, made: readonly Node[]): Node {
    const children = doc.content.content
    const next = doc.copy(made.length == 1
      ? doc.content.replaceChild(index, made[0])
      : Fragment.fromArray(children.slice(0, index).concat(made, children.slice(index + 1))))
    this.blocks.replaced(next, index, made.map(node => node.nodeSize))
    return next
  }

  /** Let go of the last document made and its index, so that they can be collected (the next step starts a run). */
  forget(): void {
    this.last = null
    this.blocks.forget()
  }
}

/**
 * Whether a replace step's range may be replaced as it stands: `from` not after `to`, and not a
 * structure replace over content (which fails rather than overwrite it; `step.apply` says so).
 */
function plainRange(step: ReplaceStep): boolean {
  return step.from == step.to || (step.from < step.to && !isStructureReplace(step))
}

/** The positions a step changes between, for the steps applyInBlock takes. */
function stepRange(step: Step): { from: number; to: number } | null {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep) return step
  if (step instanceof AttrStep) return { from: step.pos, to: step.pos + 1 }
  return null
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
