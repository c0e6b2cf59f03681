import type { DocumentMode } from "../mode"

/** Version vectors: the hub keeps concurrent versions of a block side by side until a person picks or merges them. */
export const vvMode: DocumentMode = {
  label: "Version vectors: keep both, you pick", badge: "Version vectors: you pick", shortLabel: "Version vectors",
  carries: "blocks", blocks: { by: "vector" }, resolvesByHand: true
}
