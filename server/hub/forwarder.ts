import type { Author, CommittedOp, SubmitRequest, SubmitResult, UpdateRequest } from "../../lib/protocol"

/** A batch one hub sends to the hub that commits its document, with the writer its own member joined as. */
export type ForwardedBatch =
  | { kind: "submit"; request: SubmitRequest; author: Author }
  | { kind: "update"; request: UpdateRequest; author: Author }

/** What the committing hub answers: the acknowledgement, and the op it committed (or had committed, for a resend). */
export interface Forwarded {
  result: SubmitResult
  op: CommittedOp
}

/**
 * How a hub sends batches to the hub that holds their document's lease. Rejects with the committing
 * hub's ConcordError, or with ERR_HUB_UNREACHABLE when it could not be reached or went away before it
 * answered (the batch may or may not have been committed: it is sent again, and dedup tells).
 */
export interface Forwarder {
  forward(address: string, batch: ForwardedBatch): Promise<Forwarded>
  /** Close its connections. */
  close(): void
}
