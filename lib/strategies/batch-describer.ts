import type { StrategyName } from "../protocol/messages"
import type { BatchDescriber } from "../ot/sync-client"
import { blockWrites } from "./block-writes"
import { modeOf } from "./registry"
import { vectorDescriber, type VersionVectorClock } from "./vv/writes"

/**
 * What a client of a document served under `strategy` adds to each batch: for last-writer-wins
 * documents, the writer's clock (`clock()`, skew included) and the blocks the batch changed; for
 * version-vector documents, the blocks the batch changed with their version vectors (counted by
 * `vectors`, which must live as long as the client id); nothing (undefined) for the others.
 */
export function batchDescriber(strategy: StrategyName, clock: () => number, vectors?: VersionVectorClock): BatchDescriber | undefined {
  const blocks = modeOf(strategy).blocks
  if (!blocks) return undefined
  if (blocks.by == "vector") {
    if (!vectors) throw new RangeError("A version-vector document needs a VersionVectorClock")
    return vectorDescriber(vectors)
  }
  const unit = blocks.unit
  return (before, after) => ({ clock: clock(), blocks: blockWrites(before, after, unit) })
}
