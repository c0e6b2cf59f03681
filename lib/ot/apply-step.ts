import type { Node } from "prosemirror-model"
import { ReplaceStep, replaceStep, type Step, type Transform } from "prosemirror-transform"

/** The outcome of applying a transformed step: the step that applied and the new document, or why it failed. */
export type Applied = { step: Step; doc: Node; failed: null } | { step: null; doc: null; failed: string }

/**
 * Apply a step that was mapped past concurrent changes. When a replace step no longer fits where it
 * landed (its content is not allowed there any more, say text between two blocks after a concurrent
 * join), its content is fitted in with ProseMirror's replace algorithm (wrapping text in a paragraph,
 * closing open nodes) before giving up, so that typed text survives wherever the schema allows. A fit
 * that would lose any of the text counts as a failure.
 */
export function applyTransformed(doc: Node, step: Step): Applied {
  const result = step.apply(doc)
  if (result.doc) return { step, doc: result.doc, failed: null }
  const fitted = fitReplace(doc, step)
  if (fitted) {
    const retry = fitted.apply(doc)
    if (retry.doc) return { step: fitted, doc: retry.doc, failed: null }
  }
  return { step: null, doc: null, failed: result.failed ?? "step failed" }
}

/** Like applyTransformed, but adds the step to a transform. Returns the step that was added, or null. */
export function stepTransformed(tr: Transform, step: Step): Step | null {
  if (!tr.maybeStep(step).failed) return step
  const fitted = fitReplace(tr.doc, step)
  return fitted && !tr.maybeStep(fitted).failed ? fitted : null
}

function fitReplace(doc: Node, step: Step): ReplaceStep | null {
  if (!(step instanceof ReplaceStep) || step.slice.size == 0 || step.to > doc.content.size) return null
  const fitted = replaceStep(doc, step.from, step.to, step.slice)
  return fitted instanceof ReplaceStep && sliceText(fitted) == sliceText(step) ? fitted : null
}

function sliceText(step: ReplaceStep): string {
  return step.slice.content.textBetween(0, step.slice.content.size, "\n", "\n")
}
