import type { DocumentMode } from "../mode"

/** Operational transform: edits carry steps that the hub transforms over the concurrent ops. */
export const otMode: DocumentMode = { label: "Merge every edit (OT)", badge: "Merges every edit", shortLabel: "OT", carries: "steps" }
