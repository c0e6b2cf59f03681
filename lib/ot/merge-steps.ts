import type { Slice } from "prosemirror-model"
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
 * the merged steps number at most `maxSteps` and insert at most maxMergedContent, and `takes` allows
 * (at least one step).
 */
export function mergeSteps<T extends InvertibleStep>(input: readonly T[], maxSteps: number, takes?: (next: T) => boolean): MergedSteps {
  const steps: Step[] = []
  const groups: number[] = []
  let content = 0
  let lastKind: EditKind | null = null
  for (const next of input) {
    const { step, inverted } = next
    if (groups.length && takes && !takes(next)) break
    const size = step instanceof ReplaceStep ? step.slice.size : 0
    if (groups.length && content + size > maxMergedContent) break
    const kind = editKind(step, inverted)
    const merged = kind && kind == lastKind ? steps[steps.length - 1].merge(step) : null
    if (merged) steps[steps.length - 1] = merged
    else if (steps.length == maxSteps) break
    else steps.push(step)
    groups.push(steps.length - 1)
    content += size
    lastKind = kind
  }
  return { steps, groups }
}

/** What kind of edit mergeSteps joins a step with others of: see editKind. */
export type EditKind = "typing" | "deletion"

/**
 * Whether a step types inline content (inserts it, replacing nothing) or deletes inline content inside
 * one textblock (its inverse types it), with closed slices; null for any other step. Two steps of one
 * kind that Step.merge joins lie in the same textblock, where the merged step plainly makes the same
 * document, so merging never needs to be checked against the document. Typing and deletion are not
 * merged together: the hub splits a deletion around others' typing into pieces, and the client's steps
 * written inside typing that went as part of such a piece would have no committed counterpart of that
 * typing to follow (see unmergeCommitted).
 */
export function editKind(step: Step, inverted: Step): EditKind | null {
  if (!(step instanceof ReplaceStep) || !(inverted instanceof ReplaceStep)) return null
  if (step.from == step.to && inlineSlice(step.slice)) return "typing"
  if (step.slice.size == 0 && inlineSlice(inverted.slice)) return "deletion"
  return null
}

function inlineSlice(slice: Slice): boolean {
  if (slice.openStart || slice.openEnd) return false
  for (let i = 0; i < slice.content.childCount; i++) if (!slice.content.child(i).isInline) return false
  return true
}
