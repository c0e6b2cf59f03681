import { type Node, Slice } from "prosemirror-model"
import { ReplaceStep, type Step } from "prosemirror-transform"
import { flatInline } from "./step-applier"
import { BlockStarts } from "./block-starts"

/**
 * Inverts a run of steps, each on the document the one before it made (a transaction's steps and
 * docs), with the result `step.invert` gives, faster for deletions inside a textblock. `step.invert`
 * of a deletion resolves both ends from the top of the document, scanning the top-level blocks, and
 * memoizes them in prosemirror-model's resolve cache, which keeps each of the run's documents alive
 * until a full collection. Here the textblock is found through an index of top-level block starts
 * kept along the run (as StepApplier keeps one), and the deleted content is cut out of it. Any other
 * step goes to `step.invert`. Keep one per run.
 */
export class StepInverter {
  private readonly blocks = new BlockStarts()

  /** `step.invert(doc)`, given `next`, the document `step` makes of `doc` (the next step's document). */
  invert(step: Step, doc: Node, next: Node): Step {
    if (!(step instanceof ReplaceStep) || doc.childCount == 0) return this.fallBack(step, doc)
    const blocks = this.blocks
    if (!blocks.describes(doc)) blocks.index(doc)
    const { from, to } = step
    const low = blocks.blockAt(from)
    const block = doc.child(low), start = blocks.start(low)
    // Strictly inside one top-level block, the step changes that block alone, by the size it adds.
    if (from <= start || to >= start + block.nodeSize || next.childCount != doc.childCount) return this.fallBack(step, doc)
    const deleted = from < to ? cutInTextblock(block, from - start - 1, to - start - 1) : Slice.empty
    const inverted = deleted ? new ReplaceStep(from, from + step.slice.size, deleted) : step.invert(doc)
    blocks.resized(next, low, step.slice.size - (to - from))
    return inverted
  }

  private fallBack(step: Step, doc: Node): Step {
    this.blocks.forget()
    return step.invert(doc)
  }
}

/**
 * The content between `from` and `to` (positions in `node`'s content) as `doc.slice` gives it, when
 * both lie in one textblock, `node` itself or one inside it; null otherwise.
 */
function cutInTextblock(node: Node, from: number, to: number): Slice | null {
  if (node.isTextblock) return flatInline(node.type.schema) ? new Slice(node.content.cut(from, to), 0, 0) : null
  let index = 0, start = 0
  while (index < node.childCount && start + node.child(index).nodeSize <= from) start += node.child(index++).nodeSize
  if (index == node.childCount) return null
  const child = node.child(index)
  if (from <= start || to >= start + child.nodeSize) return null
  return cutInTextblock(child, from - start - 1, to - start - 1)
}
