import type { Node } from "prosemirror-model"
import { Step } from "prosemirror-transform"
import { schema } from "../schema"
import { StepApplier } from "../ot/step-applier"
import type { StepJSON } from "../protocol/messages"

/** Apply the steps of `ops`, in order, to `doc`; null when one does not apply. */
export function replay(doc: Node, ops: readonly { readonly steps: readonly StepJSON[] }[]): Node | null {
  const applier = new StepApplier()
  for (const op of ops) for (const json of op.steps) {
    const result = applier.apply(doc, Step.fromJSON(schema, json))
    if (!result.doc) return null
    doc = result.doc
  }
  return doc
}
