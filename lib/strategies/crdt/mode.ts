import type { DocumentMode } from "../mode"

/** CRDT: edits carry Yjs updates that the hub merges (the history panel replays them into steps: CrdtHistorySource). */
export const crdtMode: DocumentMode = { label: "CRDT (Yjs)", badge: "CRDT (Yjs)", shortLabel: "CRDT", carries: "updates" }
