import type { Node } from "prosemirror-model"
import { DocAttrStep, type Step } from "prosemirror-transform"

/**
 * Add to what block writes made (`steps` turning the head into `doc`) the steps of the client's batch
 * that set the document's own attributes (its title), which block writes do not carry: they apply as
 * they are, in hub order, so the rename the hub receives last wins. Throws RangeError when one fails.
 */
export function withDocAttrSteps(applied: { steps: Step[]; doc: Node }, batch: readonly Step[]): { steps: Step[]; doc: Node } {
  let { steps, doc } = applied
  for (const step of batch) {
    if (!(step instanceof DocAttrStep)) continue
    const result = step.apply(doc)
    if (!result.doc) throw new RangeError(result.failed ?? "The document attribute step does not apply")
    steps = [...steps, step]
    doc = result.doc
  }
  return { steps, doc }
}
