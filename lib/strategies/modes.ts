import type { StrategyName } from "../protocol/strategies"
import type { LwwGranularity } from "./block-writes"

/**
 * What the hub, the client connection and the page need to know of a document's conflict strategy:
 * they look a document's mode up here once and ask it, instead of comparing strategy names. The lab
 * runs the same strategies through registry.ts.
 */
export interface DocumentMode {
  /** How the New document menu names it ("Last writer wins, per paragraph"). */
  label: string
  /** How a document's badge names it. */
  badge: string
  /** The lab column's title. */
  shortLabel: string
  /**
   * What an edit carries to the hub: steps the hub transforms over concurrent ops, block values the
   * hub settles (with the steps that made them), or Yjs updates it merges.
   */
  carries: "steps" | "blocks" | "updates"
  /** Block writes: settled by the writer's clock (last writer wins, per block or for the whole document) or by version vectors. */
  blocks?: { by: "clock"; unit: LwwGranularity } | { by: "vector" }
  /** The page offers the history panel (its timeline is one of steps). */
  history: boolean
  /** Concurrent writes wait for a person to pick or merge them (the lab replays people's resolutions). */
  resolvesByHand?: boolean
}

/** Every document mode, by strategy name: the one place a strategy's name decides anything outside its module. */
export const modes: Readonly<Record<StrategyName, DocumentMode>> = {
  ot: { label: "Merge every edit (OT)", badge: "Merges every edit", shortLabel: "OT", carries: "steps", history: true },
  lww: {
    label: "Last writer wins, per paragraph", badge: "Last writer wins, per paragraph", shortLabel: "LWW per block",
    carries: "blocks", blocks: { by: "clock", unit: "block" }, history: true
  },
  "lww-doc": {
    label: "Last writer wins, whole document", badge: "Last writer wins, whole document", shortLabel: "LWW document",
    carries: "blocks", blocks: { by: "clock", unit: "document" }, history: true
  },
  vv: { label: "Version vectors: keep both, you pick", badge: "Version vectors: you pick", shortLabel: "Version vectors", carries: "blocks", blocks: { by: "vector" }, history: true, resolvesByHand: true },
  crdt: { label: "CRDT (Yjs)", badge: "CRDT (Yjs)", shortLabel: "CRDT", carries: "updates", history: false }
}

/** The mode of a document served under `strategy`. */
export function modeOf(strategy: StrategyName): DocumentMode {
  return modes[strategy]
}

/** True when writes on documents of this mode carry the writer's clock (the page shows a clock to skew). */
export function writesCarryClock(mode: DocumentMode): boolean {
  return mode.blocks?.by == "clock"
}
