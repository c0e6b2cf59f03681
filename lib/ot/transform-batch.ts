import type { Node } from "prosemirror-model"
import type { Step, StepMap } from "prosemirror-transform"
import type { DroppedStep, StepMove } from "../protocol/messages"
import { applyTransformed, safeApply } from "./apply-step"
import { BatchMapping } from "./batch-mapping"
import { StepApplier } from "./step-applier"
import { mapStep } from "./map-step"
import { sameInsertion, setsBlockId, stepRange, stepText } from "./step-info"
import { followSplit, mayDelete, splitAround, type SplitStep } from "./kept-insertions"
import { InsertedRanges } from "./inserted-ranges"

/**
 * Called with each step about to be applied and the document it applies to: why the step may not go
 * there though it applies (it would nest the document too deep, say), for it to be dropped for that
 * reason, or null. Throws to reject the whole batch.
 */
export type StepCheck = (step: Step, doc: Node) => string | null

/** Optional calls made while a batch is transformed. */
export interface BatchHooks {
  /** Called before each step is applied: a problem it returns drops the step; throws to reject the whole batch. */
  check?: StepCheck
  /**
   * Called with each submitted step that applied, as committed (one step, or the pieces of a deletion
   * split around concurrent typing, in the order they apply), and the document it applied to: the way
   * to look at every intermediate document (to describe the batch, say) without the result keeping
   * them all.
   */
  applied?: (steps: readonly Step[], doc: Node) => void
  /**
   * Applies the steps; pass the same one for every batch on a document (a hub document keeps one), so
   * that a batch's first step, applied to the document the previous batch made, takes the fast path too.
   */
  applier?: StepApplier
  /** Indices of the batch's insertions that stay left of what others inserted at the same point concurrently (SubmitRequest.stickLeft, see mapStep). */
  stickLeft?: ReadonlySet<number>
}

/** What the hub commits for one submitted batch. */
export interface TransformedBatch {
  /** The head document after the transformed steps. */
  doc: Node
  /** The steps to commit, in order, to apply on the head document. */
  steps: Step[]
  /** For each committed step, the index of the submitted step it came from. */
  origins: number[]
  /** Submitted steps that no longer apply, with their content. */
  dropped: DroppedStep[]
  /** Where each submitted step moved; empty when there was nothing to transform past. */
  moves: StepMove[]
}

/**
 * Transform a batch of steps written on some base version over the steps committed since then
 * (`concurrent`, as step maps in commit order) and apply them to `head`, the document at the newest
 * version. Step i is mapped back past the batch's own steps i-1..0, forward through the concurrent maps
 * and then through the already transformed steps 0..i-1, with mirrors so positions inside the batch's
 * own insertions are recovered exactly (where the transformed step inserts the same content, see
 * sameInsertion), as prosemirror-collab's rebaseSteps orders it; BatchMapping gives the same answers in
 * O((N + M) log N) for N steps over M maps. A deletion that concurrent changes typed into keeps their
 * text (see splitAround): inside one textblock it is committed as one replace-around step whose gap is
 * that text, or, around several insertions, as several steps with the same origin; across textblocks,
 * as several replace steps with the same origin. A step that no longer applies, or that `hooks.check`
 * finds a problem with where it lands, is dropped and reported; `hooks.check` may throw to reject the
 * batch. Pure and deterministic: the same inputs give the same output.
 */
export function transformBatch(head: Node, batch: readonly Step[], concurrent: readonly StepMap[], hooks: BatchHooks = {}): TransformedBatch {
  const result: TransformedBatch = { doc: head, steps: [], origins: [], dropped: [], moves: [] }
  const { check, applied: onApplied } = hooks
  if (concurrent.length == 0) {
    applyInOrder(result, batch, hooks)
    return result
  }
  const stickLeft = hooks.stickLeft
  const mapping = new BatchMapping(batch, batch.map(step => step.getMap().invert()), concurrent, stickLeft)
  const applier = hooks.applier ?? new StepApplier()
  // What the concurrent changes typed, followed along the batch, for deletions to leave be.
  const inserted = batch.some(mayDelete) ? InsertedRanges.of(concurrent) : null
  let doc = head
  for (let i = 0; i < batch.length; i++) {
    const step = batch[i]
    const mapped = mapStep(step, mapping.mappingFor(i), stickLeft?.has(i))
    const split = inserted && mapped ? splitAround(doc, mapped, inserted) : null
    if (split && split.steps.length == 0) {
      drop(result, mapping, i, step, alreadyDeleted)
      continue
    }
    if (split && applySplit(result, split, i, step, doc, hooks, applier)) {
      doc = result.doc
      mapping.record(split.map, split.extends || sameInsertion(step, split.steps[split.steps.length - 1]))
      followSplit(inserted!, split)
      continue
    }
    // A step concurrent changes moved where it may not go (too deep in what they wrapped) is dropped as one that no longer applies.
    const problem = mapped && check ? check(mapped, doc) : null
    if (problem) {
      drop(result, mapping, i, step, problem)
      continue
    }
    const applied = mapped ? applyTransformed(doc, mapped, applier) : null
    const range = stepRange(step)
    if (applied && applied.step) {
      onApplied?.([applied.step], doc)
      doc = applied.doc
      mapping.record(applied.step.getMap(), sameInsertion(step, applied.step))
      inserted?.map(applied.step.getMap())
      result.steps.push(applied.step)
      result.origins.push(i)
      const landed = stepRange(applied.step)
      result.moves.push({ index: i, from: range.from, to: range.to, mappedFrom: landed.from, mappedTo: landed.to })
    } else {
      drop(result, mapping, i, step, mapped ? applied!.failed! : rangeDeleted)
    }
  }
  result.doc = doc
  return result
}

/** Why a deletion is dropped when a concurrent change deleted what it deleted: nothing of it is lost. */
export const alreadyDeleted = "what it deleted was already deleted by a concurrent change"
/** Why a step is dropped when a concurrent change deleted the range it acts on. */
export const rangeDeleted = "its range was deleted by a concurrent change"

/**
 * True when dropping `dropped` lost nothing of what its writer meant: a deletion (it inserted and
 * changed no text) of text a concurrent change had deleted already, or a block's id.
 */
export function droppedMoot(dropped: Pick<DroppedStep, "step" | "text" | "reason">): boolean {
  const step = dropped.step
  if (setsBlockId(step)) return true
  return dropped.text == "" && step.stepType == "replace" && !step.slice && (dropped.reason == alreadyDeleted || dropped.reason == rangeDeleted)
}

/** Record batch step `index` as dropped, for `reason`. */
function drop(result: TransformedBatch, mapping: BatchMapping, index: number, step: Step, reason: string): void {
  mapping.record(null, false)
  result.dropped.push(dropped(index, step, reason))
  const range = stepRange(step)
  result.moves.push({ index, from: range.from, to: range.to, mappedFrom: null, mappedTo: null })
}

/**
 * Apply the pieces of a step split around concurrent insertions to `doc`, recording them as the
 * committed form of batch step `index`; false, with nothing recorded, when one of them does not apply
 * (the step then goes the usual way).
 */
function applySplit(result: TransformedBatch, split: SplitStep, index: number, step: Step, doc: Node, hooks: BatchHooks, applier: StepApplier): boolean {
  let at = doc
  for (const piece of split.steps) {
    if (hooks.check?.(piece, at)) return false
    const applied = safeApply(piece, at, applier)
    if (!applied.doc) return false
    at = applied.doc
  }
  hooks.applied?.(split.steps, doc)
  for (const piece of split.steps) {
    result.steps.push(piece)
    result.origins.push(index)
  }
  result.doc = at
  const range = stepRange(step)
  const mappedFrom = stepRange(split.steps[split.steps.length - 1]).from, mappedTo = stepRange(split.steps[0]).to
  result.moves.push({ index, from: range.from, to: range.to, mappedFrom, mappedTo })
  return true
}

function applyInOrder(result: TransformedBatch, batch: readonly Step[], { check, applied: onApplied, applier = new StepApplier() }: BatchHooks): void {
  let doc = result.doc
  batch.forEach((step, i) => {
    const problem = check ? check(step, doc) : null
    const applied = problem ? null : applyTransformed(doc, step, applier)
    if (applied?.step) {
      onApplied?.([applied.step], doc)
      doc = applied.doc
      result.steps.push(applied.step)
      result.origins.push(i)
    } else {
      result.dropped.push(dropped(i, step, problem ?? applied!.failed))
    }
  })
  result.doc = doc
}

function dropped(index: number, step: Step, reason: string): DroppedStep {
  return { index, step: step.toJSON(), text: stepText(step), reason }
}
