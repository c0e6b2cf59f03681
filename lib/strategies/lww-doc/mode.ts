import type { DocumentMode } from "../mode"

/** Last writer wins for the whole document: the hub keeps the write with the latest clock. */
export const lwwDocMode: DocumentMode = {
  label: "Last writer wins, whole document", badge: "Last writer wins, whole document", shortLabel: "LWW document",
  carries: "blocks", blocks: { by: "clock", unit: "document" }
}
