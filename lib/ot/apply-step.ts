import type { Node } from "prosemirror-model"
import { ReplaceAroundStep, ReplaceStep, replaceStep, type Step, type Transform } from "prosemirror-transform"
import { withinTextblock } from "../schema/within-textblock"
import type { StepApplier } from "./step-applier"
import { addStep } from "./internals/transform-add-step"

/** The outcome of applying a transformed step: the step that applied and the new document, or why it failed. */
export type Applied = { step: Step; doc: Node; failed: null } | { step: null; doc: null; failed: string }

/**
 * Apply a step that was mapped past concurrent changes. When a replace step no longer fits where it
 * landed (its content is not allowed there any more, say text between two blocks after a concurrent
 * join), its content is fitted in with ProseMirror's replace algorithm (wrapping text in a paragraph,
 * closing open nodes) before giving up, so that typed text survives wherever the schema allows. A fit
 * that would lose any of the text counts as a failure.
 */
export function applyTransformed(doc: Node, step: Step, applier?: StepApplier): Applied {
  const result = safeApply(step, doc, applier)
  if (result.doc) return { step, doc: result.doc, failed: null }
  const fitted = fitReplace(doc, step)
  if (fitted) {
    const retry = safeApply(fitted, doc, applier)
    if (retry.doc) return { step: fitted, doc: retry.doc, failed: null }
  }
  return { step: null, doc: null, failed: result.failed ?? "step failed" }
}

/**
 * Apply a step (through `applier` when given, for a run of steps), turning the RangeError ProseMirror
 * throws for positions outside the document into a failure. A replace-around step across blocks fails
 * too when what it makes breaks the schema: ProseMirror checks the nodes where the slice meets the
 * document and the gap, not the nodes inside the slice, which a step rebuilt by a transform (typing
 * put back, see typingPutBack) may have filled with what they do not take.
 */
export function safeApply(step: Step, doc: Node, applier?: StepApplier): { doc: Node | null; failed: string | null } {
  try {
    const result = applier ? applier.apply(doc, step) : step.apply(doc)
    if (result.doc && step instanceof ReplaceAroundStep && !withinTextblock(doc, step.from, step.to)) checkAround(result.doc, step)
    return result
  } catch (error) {
    if (error instanceof RangeError) return { doc: null, failed: error.message }
    throw error
  }
}

/** Throw the schema's RangeError when a node that replace-around `step` made in `doc` is not valid. */
function checkAround(doc: Node, step: ReplaceAroundStep): void {
  const end = step.from + step.slice.size + (step.gapTo - step.gapFrom)
  doc.nodesBetween(step.from, Math.min(end, doc.content.size), node => {
    node.check()
    return false
  })
}

/** Like applyTransformed, but adds the step to a transform. Returns the step that was added, or null. */
export function stepTransformed(tr: Transform, step: Step, applier?: StepApplier): Step | null {
  if (tryStep(tr, step, applier)) return step
  const fitted = fitReplace(tr.doc, step)
  return fitted && tryStep(tr, fitted, applier) ? fitted : null
}

/**
 * Transform.step with the step applied through `applier`, for a run of steps on one transform (see
 * StepApplier): the transform records the same step and document. Throws a RangeError when the step
 * fails (Transform.step throws its own TransformError, which prosemirror-transform does not export).
 */
export function stepThrough(tr: Transform, step: Step, applier: StepApplier): Transform {
  const { doc, failed } = applier.apply(tr.doc, step)
  if (!doc) throw new RangeError(failed ?? "step failed")
  addStep(tr, step, doc)
  return tr
}

// Transform.maybeStep, with the step applied through `applier`.
function tryStep(tr: Transform, step: Step, applier?: StepApplier): boolean {
  const { doc } = safeApply(step, tr.doc, applier)
  if (doc) addStep(tr, step, doc)
  return !!doc
}

function fitReplace(doc: Node, step: Step): ReplaceStep | null {
  if (!(step instanceof ReplaceStep) || step.slice.size == 0 || step.from < 0 || step.to > doc.content.size) return null
  let fitted: Step | null
  try {
    fitted = replaceStep(doc, step.from, step.to, step.slice)
  } catch {
    return null
  }
  return fitted instanceof ReplaceStep && sliceText(fitted) == sliceText(step) ? fitted : null
}

function sliceText(step: ReplaceStep): string {
  return step.slice.content.textBetween(0, step.slice.content.size, "\n", "\n")
}
