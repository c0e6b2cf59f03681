import type { CommittedOp } from "../../lib/protocol"

/**
 * Where the hub's pipelines publish committed ops once they are durable: the transport's room
 * broadcaster, or another hub's pub/sub. Called in version order per document, before the ops are
 * acknowledged.
 */
export interface Publisher {
  publish(docId: string, ops: readonly CommittedOp[]): void
}

/** A publisher that tells nobody: a hub without a transport (tests, benchmarks). */
export const nobody: Publisher = { publish() {} }
