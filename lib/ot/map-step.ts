import { type MapResult, ReplaceStep, type Mappable, type Step } from "prosemirror-transform"
import { MappedPosition } from "./map-result"
import { isInsertion } from "./step-info"

/**
 * Map a step through the changes made concurrently with it. Differs from `step.map` in the rules
 * classic text OT follows:
 * - A replace step whose whole range was deleted concurrently keeps what it inserts, placed at the
 *   point where the deleted range was (ProseMirror's own mapping drops such a step, and with it the text
 *   typed there). A deletion of text that is already gone maps to null.
 * - A pure insertion (a replace step over an empty range) lands where its position maps to, associated
 *   to the right, and stays an insertion: `step.map` would also map the position associated to the left
 *   and make the step replace whatever lies between the two, which an insertion never meant to. This
 *   asks the mapping one position instead of two (half the work of BatchMapping for typing).
 * - An insertion its writer said sticks left (`stickLeft`: typed right after its own text, say; see
 *   TextEdges and docs/PROTOCOL.md) is associated to the left instead: it stays before whatever others
 *   inserted at the same point concurrently, so that concurrent words typed at one point do not interleave.
 */
export function mapStep(step: Step, mapping: Mappable, stickLeft = false): Step | null {
  if (isInsertion(step))
    return step.map(new PointMapping(mapping.mapResult(step.from, stickLeft ? -1 : 1).pos))
  const mapped = step.map(mapping)
  if (mapped || !(step instanceof ReplaceStep) || step.slice.size == 0) return mapped
  const at = mapping.mapResult(step.from, 1).pos
  return new ReplaceStep(at, at, step.slice)
}

// Maps every position to `at`, deleting nothing: `step.map` through it moves an insertion to `at` as it
// is otherwise (its `structure` flag included, which is internal to prosemirror-transform).
class PointMapping implements Mappable {
  constructor(private readonly at: number) {}

  map(): number {
    return this.at
  }

  mapResult(): MapResult {
    return new MappedPosition(this.at, 0)
  }
}
