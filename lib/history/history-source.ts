import type { EditorState, Transaction } from "prosemirror-state"
import type { Author, AuthorshipSpans, CommittedOp, DocAtReply, HistoryPage } from "../protocol/messages"

/** What the history panel needs from a document connection (DocConnection implements it). */
export interface HistorySource {
  /** The viewer's name and colour. */
  readonly user: Author
  /** The viewer's client identity, for the "mine" filter and to find the viewer's own ops. */
  readonly clientId: string
  /** The confirmed hub version of the local document, null until loaded. */
  readonly version: number | null
  /** The local editor state, null until loaded. */
  readonly state: EditorState | null
  /** Whether the connection can ask the hub for history now. */
  readonly status: string
  /** Call `listener` on every change of the connection; returns the function that unsubscribes. */
  subscribe(listener: (change: string) => void): () => void
  /** Call `listener` with the committed ops the connection applies, in version order. */
  onOps(listener: (ops: readonly CommittedOp[]) => void): () => void
  /** A page of ops, newest first, below `before`. */
  fetchHistory(before?: number, limit?: number): Promise<HistoryPage>
  /** The document at a version, as the hub sends it (fetchedVersion gives the document). */
  fetchVersion(version: number): Promise<DocAtReply>
  /** Who wrote what in the document at a version, over the `window` ops up to it. */
  fetchAuthorship(version: number, window?: number): Promise<AuthorshipSpans>
  /** Carry a position in the confirmed document into the local one. */
  mapConfirmed(pos: number, assoc?: number): number
  /** Apply a local transaction and send it to the hub. */
  dispatch(tr: Transaction): void
}
