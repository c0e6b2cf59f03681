import { Mark, type Attrs, type Fragment, type MarkType, type Node, type NodeType, type Slice } from "prosemirror-model"
import { AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { withinTextblock } from "./within-textblock"
import { markSetSteps } from "./mark-set-steps"

function checkAttrs(type: NodeType | MarkType, values: Attrs): void {
  const attrs = type.spec.attrs ?? {}
  for (const name in values) {
    if (!(name in attrs)) throw new RangeError(`Unsupported attribute ${name} for ${type.name}`)
  }
  for (const name in attrs) {
    const validate = attrs[name].validate
    if (typeof validate == "function") validate(values[name])
  }
}

function checkMark(mark: Mark): void {
  checkAttrs(mark.type, mark.attrs)
}

/**
 * Check a slice's nodes. Nodes on an open side of the slice get their content completed by the
 * document when the step applies (which checks it then), so only their attributes and marks are checked.
 */
function checkSlice(slice: Slice): void {
  checkFragment(slice.content, slice.openStart, slice.openEnd)
}

function checkFragment(content: Fragment, openStart: number, openEnd: number): void {
  content.forEach((node: Node, _offset: number, index: number) => {
    const start = index == 0 ? openStart : 0
    const end = index == content.childCount - 1 ? openEnd : 0
    if (start == 0 && end == 0) return node.check()
    checkAttrs(node.type, node.attrs)
    node.marks.forEach(checkMark)
    checkFragment(node.content, Math.max(0, start - 1), Math.max(0, end - 1))
  })
}

/**
 * Check what a step carries (inserted content, marks, attributes) against the schema's rules,
 * including those that applying the step does not check, such as link hrefs and heading levels.
 * `doc` is the document the step is about to apply to. Returns an error message, or null when the step is acceptable.
 */
export function checkStepContent(step: Step, doc: Node): string | null {
  let markSet: Step[] | null
  try {
    if (step instanceof ReplaceStep) checkSlice(step.slice)
    else if (step instanceof ReplaceAroundStep) {
      // Within one textblock (a deletion around others' typing): the slice alone, as for a replace step;
      // applying it checks that the textblock may hold what results.
      if (withinTextblock(doc, step.from, step.to)) checkSlice(step.slice)
      // Else the slice's nodes are completed by the gap's content (a list wrapped around paragraphs): check
      // them in place. Such steps (wrap, lift) are rare enough for a check of the whole result.
      else step.apply(doc).doc?.check()
    } else if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) checkMark(step.mark)
    else if (step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep) checkMark(step.mark)
    else if (step instanceof AttrStep) {
      const node = doc.nodeAt(step.pos)
      if (!node) return `No node at position ${step.pos}`
      // Own attributes only: "constructor" or "toString" would otherwise pass as Object.prototype's.
      const attrs = node.type.spec.attrs
      const spec = attrs && Object.hasOwn(attrs, step.attr) ? attrs[step.attr] : undefined
      if (!spec) return `Unsupported attribute ${step.attr} for node ${node.type.name}`
      if (typeof spec.validate == "function") spec.validate(step.value)
    } else if ((markSet = markSetSteps(step, doc.type.schema))) {
      // Inverting some mark steps (undo of a link or a mark over mixed text) gives a set of mark steps.
      for (const markStep of markSet) {
        const problem = checkStepContent(markStep, doc)
        if (problem) return problem
      }
    } else if (step instanceof DocAttrStep) {
      const attrs = doc.type.spec.attrs
      const spec = attrs && Object.hasOwn(attrs, step.attr) ? attrs[step.attr] : undefined
      if (!spec) return `Unsupported attribute ${step.attr} for the document`
      if (typeof spec.validate == "function") spec.validate(step.value)
    }
    else return `Unsupported step type ${(step.toJSON() as { stepType?: string }).stepType}`
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}
