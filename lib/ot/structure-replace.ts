import type { ReplaceAroundStep, ReplaceStep } from "prosemirror-transform"

/**
 * Whether a replace step was made with `structure` (it fails rather than overwrite content between its
 * positions: joins, splits and the steps ProseMirror maps from them). The flag is internal to
 * prosemirror-transform; its JSON, the wire format every step round-trips through, shows it.
 */
export function isStructureReplace(step: ReplaceStep | ReplaceAroundStep): boolean {
  return (step.toJSON() as { structure?: boolean }).structure === true
}
