import { AddMarkStep, AddNodeMarkStep, AttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"

/** The range a step acts on, in the coordinates of the document it applies to. */
export function stepRange(step: Step): { from: number; to: number } {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep || step instanceof AddMarkStep || step instanceof RemoveMarkStep)
    return { from: step.from, to: step.to }
  if (step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep)
    return { from: step.pos, to: step.pos }
  return { from: 0, to: 0 }
}

/** The text a step inserts, blocks separated by newlines; empty for steps that insert none. */
export function stepText(step: Step): string {
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) {
    const content = step.slice.content
    return content.textBetween(0, content.size, "\n", "\n")
  }
  return ""
}
