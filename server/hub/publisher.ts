import type { CommittedOp, PresenceState } from "../../lib/protocol"

/**
 * Where the hub publishes what its documents' members should hear: committed ops once they are durable
 * (in version order per document, before they are acknowledged), and the presence other hubs told it of.
 */
export interface Publisher {
  publish(docId: string, ops: readonly CommittedOp[]): void
  /** A member on another hub moved its selection. */
  presence(docId: string, state: PresenceState): void
  /** A member on another hub left the document. */
  left(docId: string, clientId: string): void
}

/** A publisher that tells nobody: a hub without a transport (tests, benchmarks). */
export const nobody: Publisher = { publish() {}, presence() {}, left() {} }
