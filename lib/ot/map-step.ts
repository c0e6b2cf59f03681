import { ReplaceStep, type Mappable, type Step } from "prosemirror-transform"

/**
 * Map a step through the changes made concurrently with it. Differs from `step.map` in one rule,
 * the one classic text OT follows: a replace step whose whole range was deleted concurrently keeps
 * what it inserts, placed at the point where the deleted range was (ProseMirror's own mapping drops
 * such a step, and with it the text typed there). A deletion of text that is already gone maps to null.
 */
export function mapStep(step: Step, mapping: Mappable): Step | null {
  const mapped = step.map(mapping)
  if (mapped || !(step instanceof ReplaceStep) || step.slice.size == 0) return mapped
  const at = mapping.mapResult(step.from, 1).pos
  return new ReplaceStep(at, at, step.slice)
}
