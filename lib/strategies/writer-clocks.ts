import type { StrategyName } from "../protocol/messages"
import type { BatchDescriber } from "../ot/sync-client"
import { batchDescriber } from "./batch-describer"
import { VersionVectorClock } from "./vv/writes"

/**
 * What a writer's batches are stamped with across its documents' strategies: its wall clock for
 * last-writer-wins documents (set to run ahead or behind on purpose, for demonstrations), and the count
 * of its writes for version-vector documents. Keep one for as long as the client id lives.
 */
export class WriterClocks {
  /** How far this writer's clock runs ahead of real time, in ms (negative: behind). */
  skew = 0
  private readonly vectors: VersionVectorClock

  constructor(clientId: string) {
    this.vectors = new VersionVectorClock(clientId)
  }

  /** What this writer adds to each batch of a document served under `strategy` (see batchDescriber). */
  describer(strategy: StrategyName): BatchDescriber | undefined {
    return batchDescriber(strategy, () => Date.now() + this.skew, this.vectors)
  }
}
