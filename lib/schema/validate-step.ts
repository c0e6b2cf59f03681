import { Mark, type Node, type Slice } from "prosemirror-model"
import { AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"

function checkMark(mark: Mark): void {
  for (const name in mark.attrs) {
    if (!(name in mark.type.spec.attrs!)) throw new RangeError(`Unsupported attribute ${name} for mark ${mark.type.name}`)
  }
  const attrs = mark.type.spec.attrs ?? {}
  for (const name in attrs) {
    const validate = attrs[name].validate
    if (typeof validate == "function") validate(mark.attrs[name])
  }
}

function checkSlice(slice: Slice): void {
  slice.content.forEach((node: Node) => node.check())
}

/**
 * Check what a step carries (inserted content, marks, attributes) against the schema's rules,
 * including those that applying the step does not check, such as link hrefs and heading levels.
 * `doc` is the document the step is about to apply to. Returns an error message, or null when the step is acceptable.
 */
export function checkStepContent(step: Step, doc: Node): string | null {
  try {
    if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) checkSlice(step.slice)
    else if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) checkMark(step.mark)
    else if (step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep) checkMark(step.mark)
    else if (step instanceof AttrStep) {
      const node = doc.nodeAt(step.pos)
      if (!node) return `No node at position ${step.pos}`
      const spec = node.type.spec.attrs?.[step.attr]
      if (!spec) return `Unsupported attribute ${step.attr} for node ${node.type.name}`
      if (typeof spec.validate == "function") spec.validate(step.value)
    } else if (step instanceof DocAttrStep) return "The document has no attributes to set"
    else return `Unsupported step type ${(step.toJSON() as { stepType?: string }).stepType}`
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}
