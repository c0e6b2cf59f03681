import { AttrStep, AddNodeMarkStep, RemoveNodeMarkStep, ReplaceAroundStep, type Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema/schema"
import { markSetSteps } from "../schema/mark-set-steps"
import { stepRange } from "./step-info"

/** How much applying a step with this map changes the document's content size. */
export function sizeChange(map: StepMap): number {
  let change = 0
  map.forEach((oldStart, oldEnd, newStart, newEnd) => (change += newEnd - newStart - (oldEnd - oldStart)))
  return change
}

/** The content size of the document `maps` were applied to, given the size after them. */
export function sizeBefore(sizeAfter: number, maps: readonly StepMap[]): number {
  let size = sizeAfter
  for (const map of maps) size -= sizeChange(map)
  return size
}

/**
 * Check that every step of a batch stays inside the document it was written on: step i within the
 * base document (of content size `baseSize`) as steps 0..i-1 left it, and a replace-around step's
 * insert point within its slice. Returns a message naming the first step out of range, or null. A
 * step that does not fit the document it was written on is refused, not transformed: mapping it would
 * move nonsense to a place where it applies.
 */
export function outOfRange(steps: readonly Step[], baseSize: number): string | null {
  let size = baseSize
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]
    const markSet = markSetSteps(step, schema)
    if (markSet) {
      const inner = outOfRange(markSet, size)
      if (inner) return `Step ${i}: ${inner}`
      continue
    }
    const { to } = stepRange(step)
    // A step on a node needs the node's whole opening token inside the document.
    const end = step instanceof AttrStep || step instanceof AddNodeMarkStep || step instanceof RemoveNodeMarkStep ? to + 1 : to
    if (end > size) return `Step ${i} reaches position ${end}, past the end of the document it was written on (size ${size})`
    if (step instanceof ReplaceAroundStep && step.insert > step.slice.size)
      return `Step ${i} inserts its gap at ${step.insert}, outside its slice (size ${step.slice.size})`
    size += sizeChange(step.getMap())
  }
  return null
}
