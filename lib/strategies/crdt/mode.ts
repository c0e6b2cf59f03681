import type { DocumentMode } from "../mode"

/** CRDT: edits carry Yjs updates that the hub merges; there is no timeline of steps for the history panel. */
export const crdtMode: DocumentMode = { label: "CRDT (Yjs)", badge: "CRDT (Yjs)", shortLabel: "CRDT", carries: "updates", history: false }
