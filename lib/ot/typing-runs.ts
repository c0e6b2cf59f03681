import { Slice } from "prosemirror-model"
import { ReplaceStep, type Step, type StepMap } from "prosemirror-transform"
import { editKind, type InvertibleStep } from "./merge-steps"
import { isInsertion } from "./step-info"

/**
 * Consecutive unconfirmed steps that a rebase maps as one: a run of typing merged into one step
 * (Step.merge), or a single step of any kind.
 */
export interface StepRun {
  /** Index of its first step. */
  start: number
  /** Index past its last step. */
  end: number
  /** The run as one step: its steps merged, or its only step. */
  step: Step
  /** The map of that step's inverse. */
  inverse: StepMap
}

/**
 * Split `steps` into runs of typing and single steps, no run crossing `boundary` (the end of the
 * steps in flight). Typing only: its inverse reads no document, so the steps of a run moved as one
 * need no document of their own (see SyncClient's rebase).
 */
export function typingRuns(steps: readonly InvertibleStep[], boundary: number): StepRun[] {
  const runs: StepRun[] = []
  let typing = false
  steps.forEach((u, i) => {
    const last = runs[runs.length - 1]
    // Typing that inserts nothing stays on its own: mapped, it may vanish with what it was typed in.
    const isTyping = editKind(u.step, u.inverted) == "typing" && isInsertion(u.step)
    const merged = isTyping && typing && i != boundary ? last.step.merge(u.step) : null
    if (merged) {
      last.step = merged
      last.end = i + 1
    } else {
      runs.push({ start: i, end: i + 1, step: u.step, inverse: u.inverted.getMap() })
    }
    typing = isTyping
  })
  for (const run of runs) if (run.end - run.start > 1) run.inverse = typingInverse(run.step as ReplaceStep)
  return runs
}

function typingInverse(step: ReplaceStep): StepMap {
  return new ReplaceStep(step.from, step.from + step.slice.size, Slice.empty).getMap()
}
