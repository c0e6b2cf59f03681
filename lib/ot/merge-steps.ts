import type { Fragment } from "prosemirror-model"
import { ReplaceStep, type Step } from "prosemirror-transform"

/** A step with its inverse, as the SyncClient holds its unconfirmed steps. */
export interface InvertibleStep {
  readonly step: Step
  readonly inverted: Step
}

/** What mergeSteps returns. */
export interface MergedSteps {
  /** The merged steps, in order: applied one after another they make the same document as the steps taken. */
  steps: Step[]
  /** For each step taken (a prefix of the input, at least one step of it), the index in `steps` of the step it went into. */
  groups: number[]
}

/**
 * How much content (in document positions) merged steps may insert in all, so that a batch of merged
 * typing stays well below limits.maxMessageBytes: 6 bytes a position at worst (a JSON escape), plus
 * the steps' own JSON.
 */
export const maxMergedContent = 100_000

/**
 * Join adjacent steps of `input` where prosemirror-transform's Step.merge joins them, as ShareDB
 * composes pending ops: consecutive typing, consecutive deletions. Takes steps from the front while
 * the merged steps number at most `maxSteps` and insert at most maxMergedContent (at least one step).
 */
export function mergeSteps(input: readonly InvertibleStep[], maxSteps: number): MergedSteps {
  const steps: Step[] = []
  const groups: number[] = []
  let content = 0
  let lastInline = false
  for (const { step, inverted } of input) {
    const size = step instanceof ReplaceStep ? step.slice.size : 0
    if (groups.length && content + size > maxMergedContent) break
    const inline = inlineEdit(step) && inlineEdit(inverted)
    const merged = inline && lastInline ? steps[steps.length - 1].merge(step) : null
    if (merged) steps[steps.length - 1] = merged
    else if (steps.length == maxSteps) break
    else steps.push(step)
    groups.push(steps.length - 1)
    content += size
    lastInline = inline
  }
  return { steps, groups }
}

/**
 * True when a step replaces inline content with inline content inside one textblock: its slice is
 * closed and holds inline nodes only. Two such steps that Step.merge joins lie in the same textblock,
 * where the merged step plainly makes the same document; only these are merged, so that merging never
 * has to be checked against the document.
 */
function inlineEdit(step: Step): boolean {
  if (!(step instanceof ReplaceStep)) return false
  const slice = step.slice
  return slice.openStart == 0 && slice.openEnd == 0 && allInline(slice.content)
}

function allInline(content: Fragment): boolean {
  for (let i = 0; i < content.childCount; i++) if (!content.child(i).isInline) return false
  return true
}
