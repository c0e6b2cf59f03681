import type { Node } from "prosemirror-model"
import type { Step, Transform } from "prosemirror-transform"

// Transform.addStep is @internal to prosemirror-transform: Transform.step calls it once the step has
// applied. Nothing public records a step without applying it, and the hub and the client have the
// document already (a StepApplier made it faster, or a rebase knows where a run of undone steps
// leads): applying each step again would double the work of a merge. The day prosemirror-transform
// changes it, tests/unit/internals/transform-add-step.test.ts fails.

interface WithAddStep {
  addStep(step: Step, doc: Node): void
}

/** Add `step` to `tr` as leading to `doc`, without applying it: what Transform.step does once the step has applied. */
export function addStep(tr: Transform, step: Step, doc: Node): void {
  ;(tr as unknown as WithAddStep).addStep(step, doc)
}
