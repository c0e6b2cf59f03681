import type { Schema } from "prosemirror-model"
import { AddMarkStep, RemoveMarkStep, ReplaceAroundStep, ReplaceStep, Step } from "prosemirror-transform"

/**
 * The mark steps of a MarkSetStep (stepType "markSet", what inverting some mark steps gives, as undo of
 * a link or of a mark over mixed text does), rebuilt from its JSON with `schema`; null for any other step.
 * prosemirror-transform does not export the class, and keeps its steps internal; its JSON, the wire
 * format every step round-trips through, holds them.
 */
export function markSetSteps(step: Step, schema: Schema): Step[] | null {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep) return null
  const json = step.toJSON() as { stepType?: unknown; steps?: unknown }
  return json.stepType == "markSet" && Array.isArray(json.steps) ? json.steps.map(inner => Step.fromJSON(schema, inner)) : null
}
