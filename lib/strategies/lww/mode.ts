import type { DocumentMode } from "../mode"

/** Last writer wins per top-level block: the hub keeps, for each block, the write with the latest clock. */
export const lwwMode: DocumentMode = {
  label: "Last writer wins, per paragraph", badge: "Last writer wins, per paragraph", shortLabel: "LWW per block",
  carries: "blocks", blocks: { by: "clock", unit: "block" }
}
