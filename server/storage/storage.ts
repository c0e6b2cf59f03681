import { ConcordError, type CommittedOp, type DocJSON, type Role, type Snapshot, type StrategyName } from "../../lib/protocol"

/** A stored document's header: what it is served under and how far its op log reaches. */
export interface DocumentRecord {
  id: string
  strategy: StrategyName
  /** Creation time, ms since the epoch (the hub's clock). */
  createdAt: number
  /** The head version: the number of ops committed so far. */
  version: number
}

/** Which op of the log: its client and that client's seq. */
export interface OpKey {
  clientId: string
  seq: number
}

/** The SHA-256 hashes (hex) of a document's link tokens, one per role: the store never sees a token itself. */
export interface LinkHashes {
  owner: string
  edit: string
  view: string
}

/** A snapshot whose document is JSON text: `JSON.parse(json)` is the document at `version`. */
export interface SnapshotText {
  version: number
  json: string
}

/**
 * The durable home of documents, their op logs and their snapshots. Every adapter (SQLite, memory,
 * PostgreSQL) passes the same conformance suite (tests/support/storage-conformance.ts).
 */
export interface Storage {
  /**
   * Create a document at version 0 with a snapshot of `initial` at version 0 and a live link per role,
   * atomically. Throws ConcordError("ERR_DOCUMENT_EXISTS") when a document with this id exists.
   */
  createDocument(id: string, strategy: StrategyName, initial: DocJSON, time: number, links: LinkHashes): Promise<DocumentRecord>

  /** The role of the document's live (not revoked) link whose token hashes to `tokenHash`, or null. */
  findLink(docId: string, tokenHash: string): Promise<Role | null>

  /**
   * Revoke the document's live links of `role` and, when `tokenHash` is given, add a live link of that
   * role with it, atomically. Rejects with ERR_UNKNOWN_DOCUMENT for an unknown document.
   */
  replaceLinks(docId: string, role: Role, tokenHash: string | null, time: number): Promise<void>

  /** The document's record, or null when there is no such document. */
  getDocument(id: string): Promise<DocumentRecord | null>

  /** Up to `limit` documents, newest first. */
  listDocuments(limit: number): Promise<DocumentRecord[]>

  /**
   * Append ops (and optionally a snapshot) atomically, resolving only once they are durably committed.
   * The first op's version must be the head + 1 and the rest consecutive, each op's seq must be greater
   * than every seq its client committed to the document before (a client's seqs increase), and the
   * snapshot may not be newer than the new head; otherwise it rejects
   * with ConcordError("ERR_STORAGE") and writes nothing, or ERR_COMMIT_CONFLICT when the first op's
   * version is committed already (another hub on the same store got there first). An unknown document
   * rejects with ERR_UNKNOWN_DOCUMENT. Calls for one document are applied in call order.
   *
   * `follows` names the op the caller built `ops` on (the head's, null for an empty log): when the head
   * holds another, the call rejects with ERR_COMMIT_CONFLICT. A hub's commits of one document are a
   * chain, each built on the one before; when one fails because another hub took its version, this
   * keeps the next from landing on that other hub's op.
   */
  commit(docId: string, ops: CommittedOp[], snapshot?: Snapshot, follows?: OpKey | null): Promise<void>

  /** The ops with after < version <= upTo (default: the head), ascending, at most `limit` of them. */
  getOps(docId: string, after: number, upTo?: number, limit?: number): Promise<CommittedOp[]>

  /** Up to `limit` ops with version < before, newest first: one page of history. */
  getOpsBefore(docId: string, before: number, limit: number): Promise<CommittedOp[]>

  /**
   * The newest op `clientId` committed to the document, or null when it committed none: how a resent
   * batch is recognised (a client has one batch in flight, so what it resends carries its newest seq).
   */
  lastOp(docId: string, clientId: string): Promise<CommittedOp | null>

  /**
   * Bind `clientId` to `keyHash` (the hash of a secret its client holds) unless another key holds it
   * already; resolves true when `clientId` is bound to `keyHash`, false when to another key. The first
   * claim wins, durably: whoever knows the id but not the secret can never act as that client.
   */
  claimClient(clientId: string, keyHash: string, time: number): Promise<boolean>

  /** The newest snapshot with version <= atOrBefore (default: the newest overall), or null. */
  latestSnapshot(docId: string, atOrBefore?: number): Promise<Snapshot | null>

  /**
   * The same snapshot as latestSnapshot, with its document as JSON text (as stored, not parsed), so that
   * the hub can send it on without decoding and encoding it again.
   */
  latestSnapshotText(docId: string, atOrBefore?: number): Promise<SnapshotText | null>

  /**
   * Store a snapshot; a second one at the same version is ignored. Rejects with ERR_UNKNOWN_DOCUMENT
   * for an unknown document and ERR_STORAGE for a version beyond the head.
   */
  putSnapshot(docId: string, snapshot: Snapshot): Promise<void>

  /** Finish the commits already asked for, then release the store; later calls reject with ERR_STORAGE. */
  close(): Promise<void>
}

/**
 * Check that the head's op (`headOp`, null for an empty log) is the one a commit `follows`, as commit
 * requires; throws ConcordError("ERR_COMMIT_CONFLICT") when it is another.
 */
export function checkFollows(docId: string, head: number, headOp: OpKey | null, follows: OpKey | null | undefined): void {
  if (follows === undefined) return
  if (follows === null ? headOp === null : headOp !== null && headOp.clientId == follows.clientId && headOp.seq == follows.seq) return
  throw new ConcordError("ERR_COMMIT_CONFLICT", `Version ${head} of ${docId} is not the op this commit follows: another writer committed first`)
}

/**
 * Check that `ops` (and `snapshot`) may be appended to a log whose head is `head`, as commit requires.
 * Throws ConcordError("ERR_COMMIT_CONFLICT") when the first op's version is taken, ERR_STORAGE for any
 * other misfit.
 */
export function checkAppend(docId: string, head: number, ops: readonly CommittedOp[], snapshot?: Snapshot): void {
  if (ops.length && ops[0].version <= head)
    throw new ConcordError("ERR_COMMIT_CONFLICT", `Version ${ops[0].version} of ${docId} is committed already (the head is ${head}): another writer committed first`)
  ops.forEach((op, i) => {
    if (op.version != head + 1 + i)
      throw new ConcordError("ERR_STORAGE", `Op version ${op.version} of ${docId} is not the next version ${head + 1 + i}`)
  })
  if (snapshot && snapshot.version > head + ops.length)
    throw new ConcordError("ERR_STORAGE", `Snapshot version ${snapshot.version} of ${docId} is beyond the head ${head + ops.length}`)
}
