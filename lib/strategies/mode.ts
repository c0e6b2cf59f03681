import type { LwwGranularity } from "./block-writes"

/**
 * What the hub, the client connection and the page need to know of a document's conflict strategy:
 * they look a document's mode up once (`modeOf` in registry.ts) and ask it, instead of comparing
 * strategy names. Each strategy's folder holds its mode in mode.ts.
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
  /** Concurrent writes wait for a person to pick or merge them (the lab replays people's resolutions). */
  resolvesByHand?: boolean
}

/** True when writes on documents of this mode carry the writer's clock (the page shows a clock to skew). */
export function writesCarryClock(mode: DocumentMode): boolean {
  return mode.blocks?.by == "clock"
}
