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
  /** The document the last step inverted made. */
  private last: Node | null = null

  /**
   * `step.invert(doc)`, given `next`, the document `step` makes of `doc` (the next step's document).
   * The first step of a run goes to `step.invert` (indexing costs as much as its scan), as does one on
   * a document the last step did not make.
   */
  invert(step: Step, doc: Node, next: Node): Step {
    const inRun = doc === this.last
    this.last = next
    const fast = inRun && step instanceof ReplaceStep ? this.invertInBlock(step, doc, next) : null
    if (fast) return fast
    this.blocks.forget()
    return step.invert(doc)
  }

  /** The inverse of a replace inside one top-level block, following the index to `next`; null for any other. */
  private invertInBlock(step: ReplaceStep, doc: Node, next: Node): Step | null {
    const blocks = this.blocks
    if (doc.childCount == 0 || next.childCount != doc.childCount) return null
    if (!blocks.describes(doc)) blocks.index(doc)
    const { from, to } = step
    const low = blocks.blockAt(from)
    const block = doc.child(low), start = blocks.start(low)
    // Strictly inside one top-level block, the step changes that block alone, by the size it adds.
    if (from <= start || to >= start + block.nodeSize) return null
    const deleted = from < to ? cutInTextblock(block, from - start - 1, to - start - 1) : Slice.empty
    const inverted = deleted ? new ReplaceStep(from, from + step.slice.size, deleted) : step.invert(doc)
    blocks.resized(next, low, step.slice.size - (to - from))
    return inverted
  }
}

/**
 * The content between `from` and `to` (positions in `node`'s content) as `doc.slice` gives it, when
 * both lie in one textblock, `node` itself or one inside it; null otherwise.
 */
function cutInTextblock(node: Node, from: number, to: number): Slice | null {
  if (node.isTextblock) return flatInline(node.type.schema) ? new Slice(node.content.cut(from, to), 0, 0) : null
  const { node: child, offset: start } = node.childAfter(from)
  if (!child || from <= start || to >= start + child.nodeSize) return null
  return cutInTextblock(child, from - start - 1, to - start - 1)
}
