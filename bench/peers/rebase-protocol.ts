// The wire messages of the reject-and-retry peer (JSON over a WebSocket), after ProseMirror's collab
// demo: the authority accepts a batch only at its current version; every accepted batch goes to
// every client of the document, the sender included, in version order.
import type { DocJSON, StepJSON } from "../../lib/protocol"

/** Client to authority. */
export type RebaseClientMessage =
  /** Join a document (created when missing): `version` null for a fresh copy, else the version the client has. */
  | { t: "join"; doc: string; version: number | null }
  /** Steps written on `version`, the client's `seq`-th batch (a retry keeps its seq). */
  | { t: "submit"; version: number; steps: StepJSON[]; clientID: string; seq: number }

/** Authority to client. */
export type RebaseServerMessage =
  /** The reply to a join: the document at `version`, or the steps since the client's version and who wrote them. */
  | { t: "joined"; version: number; doc?: DocJSON; steps?: StepJSON[]; clientIDs?: string[] }
  /** An accepted batch, written on `version` (so it moves the document to `version + steps.length`). */
  | { t: "steps"; version: number; steps: StepJSON[]; clientID: string; seq: number }
  /** A submit not at the current version: the client must catch up, rebase and retry. */
  | { t: "reject"; version: number }
  | { t: "error"; message: string }
