import type { Fragment } from "prosemirror-model"
import { AttrStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"

/** The block attributes only a version-vector hub writes (lib/strategies/vv/writes.ts). */
const vectorAttrs = ["vv", "conflict"]

/**
 * True when `step` gives a block a version vector or versions in conflict: sets `vv` or `conflict` to
 * something other than null, or inserts a block that carries one. Clearing them (a new block takes none) is not.
 */
export function setsVectorAttrs(step: Step): boolean {
  if (step instanceof AttrStep) return vectorAttrs.includes(step.attr) && step.value != null
  if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) return carriesVectorAttrs(step.slice.content)
  return false
}

function carriesVectorAttrs(content: Fragment): boolean {
  let found = false
  content.descendants(node => {
    if (found || !node.isBlock) return false
    if (vectorAttrs.some(attr => node.attrs[attr] != null)) found = true
    return !found && !node.isTextblock
  })
  return found
}
