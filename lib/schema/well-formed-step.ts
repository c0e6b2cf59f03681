import { Slice, type Fragment } from "prosemirror-model"
import { ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { limits } from "../protocol/limits"

/**
 * How deep a fragment's nodes nest (1 for text alone, 2 for a paragraph of text), counted without
 * recursion (a hostile slice may nest thousands deep) and only up to just past limits.maxNodeDepth.
 */
export function nesting(fragment: Fragment): number {
  let deepest = 0
  const stack: { content: Fragment; depth: number }[] = [{ content: fragment, depth: 1 }]
  while (stack.length) {
    const { content, depth } = stack.pop()!
    if (content.childCount && depth > deepest) deepest = depth
    if (deepest > limits.maxNodeDepth) return deepest
    content.forEach(node => { if (node.childCount) stack.push({ content: node.content, depth: depth + 1 }) })
  }
  return deepest
}

/**
 * Why a parsed step is not well formed in itself, whatever document it meets, or null when it is: a
 * slice whose open depths are deeper than its content (ProseMirror does not check them, and fitting
 * such a slice after a transform may never end), or whose nodes nest deeper than limits.maxNodeDepth.
 */
export function malformedStep(step: Step): string | null {
  if (!(step instanceof ReplaceStep || step instanceof ReplaceAroundStep)) return null
  const slice = step.slice
  const open = Slice.maxOpen(slice.content, false)
  if (slice.openStart > open.openStart || slice.openEnd > open.openEnd)
    return `The slice is open deeper (${slice.openStart}, ${slice.openEnd}) than its content (${open.openStart}, ${open.openEnd})`
  if (nesting(slice.content) > limits.maxNodeDepth) return `The slice's nodes nest deeper than ${limits.maxNodeDepth}`
  return null
}
