import { Mark, type AttributeSpec, type Attrs, type Fragment, type MarkType, type Node, type NodeType, type Schema, type Slice } from "prosemirror-model"
import { AddMarkStep, AddNodeMarkStep, AttrStep, DocAttrStep, RemoveMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { withinTextblock } from "./within-textblock"
import { markSetSteps } from "./mark-set-steps"
import { nesting } from "./well-formed-step"
import { limits } from "../protocol/limits"

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
  return stepContentProblem(step, doc.type.schema) ?? stepPlaceProblem(step, doc)
}

/**
 * What checkStepContent checks that does not depend on where the step applies: a replace step's
 * inserted content, a mark step's mark, that some node type takes an attribute step's value, a
 * document attribute. A step that fails it fails wherever it lands, so the hub refuses it before
 * transforming, also when the place it was written for is gone and it would only be dropped.
 * Returns an error message, or null.
 */
export function stepContentProblem(step: Step, schema: Schema): string | null {
  return problemOf(() => {
    let markSet: Step[] | null
    if (step instanceof ReplaceStep) checkSlice(step.slice)
    else if (step instanceof ReplaceAroundStep) return null
    else if (step instanceof AddMarkStep || step instanceof RemoveMarkStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep) checkMark(step.mark)
    else if (step instanceof AttrStep) {
      const types = Object.values(schema.nodes).filter(type => ownAttr(type, step.attr))
      if (!types.length) return `Unsupported attribute ${step.attr}: no node has it`
      // Refused by every node that has it: in the words of the first one's rule ("level must be 1 to 3").
      if (!types.some(type => takesAttr(type, step))) takesAttr(types[0], step, true)
    } else if (step instanceof DocAttrStep) {
      if (!ownAttr(schema.topNodeType, step.attr)) return `Unsupported attribute ${step.attr} for the document`
      takesAttr(schema.topNodeType, step, true)
    } else if ((markSet = markSetSteps(step, schema))) {
      // Inverting some mark steps (undo of a link or a mark over mixed text) gives a set of mark steps.
      for (const markStep of markSet) {
        const problem = stepContentProblem(markStep, schema)
        if (problem) return problem
      }
    } else return `Unsupported step type ${(step.toJSON() as { stepType?: string }).stepType}`
    return null
  })
}

/**
 * What checkStepContent checks that depends on `doc`, the document the step applies to: that the node
 * an attribute step names takes its value, and what a replace-around step leaves. For a step that
 * passed stepContentProblem (the hub's transform checks steps so, where they land).
 */
export function stepPlaceProblem(step: Step, doc: Node): string | null {
  return problemOf(() => {
    if (step instanceof ReplaceStep) {
      // The slice's nodes were checked on their own; in place they may nest too deep: the open ones join
      // the nodes around. Typing (inline content, which only fits inside a textblock the document already
      // holds) cannot, and is not looked at. A step reaching past the document fails when it applies.
      const { slice } = step
      if (slice.size && !(slice.openStart == 0 && slice.content.firstChild!.isInline) && step.from <= doc.content.size &&
          doc.resolve(step.from).depth - slice.openStart + nesting(slice.content) > limits.maxNodeDepth) return tooDeep
    } else if (step instanceof ReplaceAroundStep) {
      // Within one textblock (a deletion around others' typing): the slice alone, as for a replace step;
      // applying it checks that the textblock may hold what results.
      if (withinTextblock(doc, step.from, step.to)) checkSlice(step.slice)
      // Else the slice's nodes are completed by the gap's content (a list wrapped around paragraphs): check
      // them in place. Such steps (wrap, lift) are rare enough for a check of the whole result, which also
      // bounds how deep wrapping upon wrapping may nest the document.
      else {
        const result = step.apply(doc).doc
        if (result && nesting(result.content) > limits.maxNodeDepth) return tooDeep
        result?.check()
      }
    } else if (step instanceof AttrStep) {
      const node = doc.nodeAt(step.pos)
      if (!node) return `No node at position ${step.pos}`
      if (!ownAttr(node.type, step.attr)) return `Unsupported attribute ${step.attr} for node ${node.type.name}`
      takesAttr(node.type, step, true)
    }
    return null
  })
}

const tooDeep = `The document's nodes would nest deeper than ${limits.maxNodeDepth}`

/** What `check` returns, or the message of what it throws. */
function problemOf(check: () => string | null): string | null {
  try {
    return check()
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

// Own attributes only: "constructor" or "toString" would otherwise pass as Object.prototype's.
function ownAttr(type: NodeType, attr: string): AttributeSpec | undefined {
  const attrs = type.spec.attrs
  return attrs && Object.hasOwn(attrs, attr) ? attrs[attr] : undefined
}

/** Whether `type` has the step's attribute and takes its value; with `raise`, a refused value throws its validator's error. */
function takesAttr(type: NodeType, step: AttrStep | DocAttrStep, raise = false): boolean {
  const spec = ownAttr(type, step.attr)
  if (!spec) return false
  try {
    if (typeof spec.validate == "function") spec.validate(step.value)
    return true
  } catch (e) {
    if (raise) throw e
    return false
  }
}
