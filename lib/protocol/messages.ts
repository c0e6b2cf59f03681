import type { PackedOp } from "./packed-steps"
import type { ErrorJSON } from "./errors"
import type { StrategyName } from "./strategies"

/** A ProseMirror step in its JSON form (Step.toJSON). */
export type StepJSON = { stepType: string; [key: string]: unknown }

/** A ProseMirror document node in its JSON form (Node.toJSON). */
export type DocJSON = { type: string; [key: string]: unknown }

/** Who made an edit, as shown to other people. */
export interface Author {
  name: string
  color: string
}

/** A selection as two document positions. */
export interface SelectionJSON {
  anchor: number
  head: number
}

/** A step the hub could not apply after transforming it, kept so that nothing is lost silently. */
export interface DroppedStep {
  /** Index of the step in the submitted batch. */
  index: number
  /** The step as submitted, based on the batch's base version. */
  step: StepJSON
  /** The text the step would have inserted or changed (empty when it only deleted). */
  text: string
  /** Why it could not be applied. */
  reason: string
}

/** Where one submitted step landed after transform. */
export interface StepMove {
  /** Index of the step in the submitted batch. */
  index: number
  from: number
  to: number
  /** Position after transform; null when the step was dropped. */
  mappedFrom: number | null
  mappedTo: number | null
}

/** One committed op: a transformed batch with everything the history panel needs. */
export interface CommittedOp {
  /** The document version this op produced (the count of ops committed so far). */
  version: number
  clientId: string
  seq: number
  /** The version the batch was written on; version - 1 - baseVersion ops were transformed past. */
  baseVersion: number
  /** The steps as committed, to apply on version - 1. */
  steps: StepJSON[]
  author: Author
  /** Commit time, ms since the epoch (the hub's clock). */
  time: number
  /** The steps as submitted, present only when transform changed them. */
  original?: StepJSON[]
  /** Steps that could not be applied, present only when there were any. */
  dropped?: DroppedStep[]
  /**
   * For each committed step, the index of the submitted step it came from; present only when a submitted
   * step was committed as several (a deletion split around text typed into it concurrently).
   */
  origins?: number[]
  /** How positions moved, present only when the op was transformed past others. */
  moves?: StepMove[]
  /** What the op did in plain language ("typed 'hello' in paragraph 3"), written by the hub. */
  summary?: string
  /** On a last-writer-wins document: each block write the op carried, and whether it won. */
  writes?: LwwWrite[]
  /** On a version-vector document: each block write the op carried and what became of it. */
  vvWrites?: VvWrite[]
  /** On a CRDT document: the Yjs update the op appended, base64. */
  update?: string
  /** Present when the batch restored the document as it was at an earlier version (SubmitRequest.restores). */
  restored?: RestoredVersion
}

/** The version a restore brought back, with its commit time from the hub's own log (the document's creation for version 0). */
export interface RestoredVersion {
  version: number
  /** When that version was committed, ms since the epoch (the hub's clock). */
  time: number
}

/** How many writes of each client a block's value has seen, itself included (clientId -> count). */
export type VersionVector = Record<string, number>

/** One version of a block in conflict on a version-vector document, kept in the block's `conflict` attribute. */
export interface VvSibling {
  vv: VersionVector
  /** The version's block (its own vv and conflict attributes null), or null when this version deleted the block. */
  node: DocJSON | null
  author: Author
  clientId: string
}

/** One block write on a version-vector document, as the hub settled it. */
export interface VvWrite {
  block: string
  /** The write's version vector. */
  vv: VersionVector
  /** The text the write carried. */
  text: string
  /**
   * "applied": it dominated every version of the block; "conflict": it is concurrent with another
   * version, and both are kept; "resolved": it dominated a conflict's versions and ended it.
   */
  outcome: "applied" | "conflict" | "resolved"
  /** For a conflict: the authors of the other versions kept. */
  against?: Author[]
  /** For a conflict: true when the block was in conflict already and the write replaced its writer's own version. */
  continued?: boolean
}

/**
 * An op as most members of a document's room receive it: what a client needs to follow the document
 * (its own batch's dropped steps included; on a CRDT document, the Yjs update). Members that asked for detail (a history panel is open)
 * receive the whole CommittedOp, which is also a LeanOp.
 */
export type LeanOp = Pick<CommittedOp, "version" | "clientId" | "seq" | "baseVersion" | "steps" | "dropped" | "origins" | "update">

/** True when the op carries everything a CommittedOp does (the room sent it with detail). */
export function isDetailed(op: LeanOp): op is CommittedOp {
  return "author" in op
}

/** A block's new value as a last-writer-wins client writes it. */
export interface BlockWrite {
  /** The block's stable id. */
  id: string
  /** The block's new value (a top-level node), or null when the writer deleted it. */
  node: DocJSON | null
  /** The id of the block before it in the writer's document, null when it is first. */
  after: string | null
  /** Version-vector documents only: the write's version vector (what it was written on, plus one for the writer). */
  vv?: VersionVector
}

/** The clock stamp that decided a last-writer-wins write. */
export interface LwwStamp {
  clientId: string
  author: Author
  /** The writer's clock, ms since the epoch, including any skew. */
  clock: number
  /** How far the writer's clock was from the hub's when it wrote, in ms (positive: ahead). */
  skew: number
}

/** One block write on a last-writer-wins document: kept, or discarded because a later stamp holds the block. */
export interface LwwWrite {
  /** The block id, "document" for whole-document writes, or "" for the document's title. */
  block: string
  stamp: LwwStamp
  won: boolean
  /** The text the write carried. */
  text: string
  /** For a discarded write, the stamp that beat it. */
  beatenBy?: LwwStamp
  /**
   * For a discarded write that carried content: the blocks it wrote (one, or every block of a
   * whole-document write), so that the history panel can restore them.
   */
  content?: DocJSON[]
}

/** A document's full state at a version. */
export interface Snapshot {
  version: number
  doc: DocJSON
}

/**
 * The reply to `docAt`: the document at `base` (the nearest snapshot, as stored) as the UTF-8 bytes of its
 * JSON, and the steps of the ops `base + 1 .. version`, which the client applies to it.
 */
export interface DocAtReply {
  version: number
  base: number
  doc: Uint8Array | ArrayBuffer
  steps: StepJSON[]
}

export type { StrategyName }

/** What a link lets its holder do: owner manages links besides editing, edit reads and writes, view only reads. */
export type Role = "owner" | "edit" | "view"

/** The link tokens of one document, one per role (each 43 base64url characters). */
export interface LinkTokens {
  owner: string
  edit: string
  view: string
}

/** Create a document; the reply carries its links, the only way anyone can join it. */
export interface CreateRequest {
  /** The id to create; the hub picks a random one when absent. */
  docId?: string
  /** The conflict strategy to serve it under (default "ot"). */
  strategy?: StrategyName
}

export interface CreateResult {
  docId: string
  strategy: StrategyName
  /** The new document's tokens: the page puts one in a link's fragment, `/d/<docId>#<token>`. */
  links: LinkTokens
}

/** Reissue (revoke and replace) or revoke a document's links of one role; owner only. */
export interface LinksRequest {
  docId: string
  role: Role
  action: "reissue" | "revoke"
}

export interface LinksResult {
  role: Role
  /** The new token after a reissue, null after a revoke. */
  token: string | null
}

/** Sent to a socket whose link to a document was revoked; the hub has already removed it from the document. */
export interface RevokedMessage {
  docId: string
  role: Role
}

export interface JoinRequest {
  docId: string
  clientId: string
  /**
   * The client's secret key (16 to 128 characters, kept with its clientId): the first join that names a
   * clientId binds it to this key, and a join naming it with another key is refused (ERR_CLIENT_ID_TAKEN).
   */
  secret: string
  /** The token of one of the document's links: it decides the socket's role in the document. */
  token: string
  /** The version the client already has, or null to receive a snapshot. */
  version: number | null
  user: Author
  /** The client holds local steps based on `version`: send ops, never a snapshot, however far behind. */
  hasUnconfirmed?: boolean
  /** Receive the room's ops as whole CommittedOps (author, time, summary, moves...) instead of LeanOps; see `detail`. */
  detail?: boolean
  /** CRDT documents: the client's Yjs state vector (base64); the reply carries what it misses. */
  stateVector?: string
}

/** Switch the ops a joined socket receives between LeanOps and whole CommittedOps. */
export interface DetailRequest {
  docId: string
  on: boolean
}

/** What a client joining a CRDT document receives instead of a snapshot and ops. */
export interface CrdtJoin {
  /** The Yjs update (base64) holding everything the hub has that the client's state vector lacks. */
  update: string
  /** The hub's Yjs state vector (base64): the client sends what it has beyond it. */
  stateVector: string
}

export interface JoinResult {
  docId: string
  strategy: StrategyName
  /** What the presented link lets this socket do. */
  role: Role
  /** The hub's version when the client joined. */
  version: number
  /** Present when the client had no version or was too far behind. */
  snapshot?: Snapshot
  /** The ops after the client's version (or after the snapshot), in order. */
  ops: CommittedOp[]
  /**
   * True when `ops` stop short of the head (a client far behind receives its catch-up in pages): join
   * again from the last of them for the next page.
   */
  more?: boolean
  /** The seq this client's next batch must carry: one past the newest it committed to this document. */
  nextSeq: number
  /** Other people in the document. */
  presence: PresenceState[]
  /** CRDT documents only: the state the client misses. */
  crdt?: CrdtJoin
}

/** A CRDT document's edit: one Yjs update. */
export interface UpdateRequest {
  docId: string
  clientId: string
  seq: number
  /** The Yjs update, base64; at most limits.maxUpdateBytes decoded. */
  update: string
  /** The update restores the document as it was at this version, checked and recorded as SubmitRequest.restores is. */
  restores?: number
  /**
   * The newest version the writer had seen when it made the update's first edit (at most the document's
   * head): the ops committed after it were written alongside, and Yjs merged the update with them. The
   * hub records it as the op's baseVersion, for the history to explain the merge; without it, the head.
   */
  baseVersion?: number
}

/**
 * A CRDT document's caret: a y-protocols awareness update (base64, at most limits.maxAwarenessBytes
 * decoded) that the hub relays to the document's other members, unread, with who sent it.
 */
export interface AwarenessUpdate {
  docId: string
  update: string
}

/** An awareness update as the hub relays it: `from` is the sender as it joined, which names and colours its caret. */
export interface AwarenessRelay extends AwarenessUpdate {
  from: { clientId: string; user: Author }
}

export interface SubmitRequest {
  docId: string
  clientId: string
  seq: number
  baseVersion: number
  steps: StepJSON[]
  /**
   * Indices, ascending, of the insertions that a transform places left of whatever others inserted at the
   * same point concurrently (the others go right of it): those typed right after their writer's own text,
   * or right before text another writer just typed. So concurrent words typed at one point do not
   * interleave (docs/PROTOCOL.md, "Words typed at one point").
   */
  stickLeft?: number[]
  /** Last-writer-wins documents only: the writer's clock (with its skew) when it wrote. */
  clock?: number
  /** Last-writer-wins documents only: the new values of the blocks the steps changed. */
  blocks?: BlockWrite[]
  /**
   * The batch restores the document as it was at this version (at most the document's head; the hub
   * refuses a later one with ERR_INVALID_MESSAGE): the committed op says so in `restored`.
   */
  restores?: number
}

export interface SubmitResult {
  seq: number
  version: number
  /** True when this (clientId, seq) had been committed before and was acknowledged again. */
  duplicate?: boolean
}

export interface PresenceUpdate {
  docId: string
  /** The version the selection refers to. */
  version: number
  selection: SelectionJSON | null
}

/** Another client's presence as relayed by the hub. */
export interface PresenceState {
  clientId: string
  user: Author
  version: number
  selection: SelectionJSON | null
}

export interface HistoryRequest {
  docId: string
  /** Return ops with versions below this (newest first); omitted for the newest. */
  before?: number
  limit?: number
}

export interface HistoryPage {
  docId: string
  ops: CommittedOp[]
  /** The version the next page starts below, or null at the beginning. */
  next: number | null
}

export interface DocAtRequest {
  docId: string
  version: number
}

export interface AuthorshipRequest {
  docId: string
  version: number
  /** Count authorship over this many ops up to the version (default 500, at most limits.maxReadOps). */
  window?: number
}

/** A range of a document at some version that one person wrote since the authorship base. */
export interface AuthorshipSpan {
  from: number
  to: number
  author: Author
}

/**
 * Who wrote what in the document at `version` since version `from`: the ranges each author inserted,
 * in order and apart. Text older than `from` has no span.
 */
export interface AuthorshipSpans {
  version: number
  from: number
  spans: AuthorshipSpan[]
}

/** Ask for the summaries of some documents, each with a link token the asker holds for it. */
export interface SummariesRequest {
  documents: { docId: string; token: string }[]
}

/**
 * What the documents page shows of one document: its title, strategy, when it was last edited and by
 * whom (names, newest first, each once). A document that does not exist, or that the token does not
 * open, is `found: false`, the same for both, so that a summary reveals nothing a join would not.
 */
/**
 * What the documents page learns of one document: not found (no such document, or not that link), or
 * found but unreadable (`error`: the hub could not open it, which fails only that document's summary).
 */
export type DocumentSummary = { docId: string; found: false; error?: ErrorJSON } | {
  docId: string
  found: true
  title: string
  strategy: StrategyName
  version: number
  /** When the newest op was committed, or the document was created when it has none (ms since the epoch). */
  lastEdit: number
  editors: string[]
}

/** Either a result or an error: every acknowledgement has this shape. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorJSON }

/** Events a client sends; the last argument is Socket.IO's acknowledgement callback. */
export interface ClientToServerEvents {
  create(request: CreateRequest, ack: (reply: Reply<CreateResult>) => void): void
  links(request: LinksRequest, ack: (reply: Reply<LinksResult>) => void): void
  join(request: JoinRequest, ack: (reply: Reply<JoinResult>) => void): void
  submit(request: SubmitRequest, ack: (reply: Reply<SubmitResult>) => void): void
  update(request: UpdateRequest, ack: (reply: Reply<SubmitResult>) => void): void
  leave(request: { docId: string }, ack?: (reply: Reply<null>) => void): void
  presence(update: PresenceUpdate): void
  awareness(update: AwarenessUpdate): void
  history(request: HistoryRequest, ack: (reply: Reply<HistoryPage>) => void): void
  docAt(request: DocAtRequest, ack: (reply: Reply<DocAtReply>) => void): void
  authorship(request: AuthorshipRequest, ack: (reply: Reply<AuthorshipSpans>) => void): void
  detail(request: DetailRequest, ack?: (reply: Reply<null>) => void): void
  summaries(request: SummariesRequest, ack: (reply: Reply<DocumentSummary[]>) => void): void
}

/** Events the hub sends. */
export interface ServerToClientEvents {
  /**
   * Committed ops in hub order, coalesced per room: LeanOps packed as tuples (see packed-steps.ts;
   * `unpackOps` gives the LeanOps), or whole CommittedOps for members that asked for detail.
   */
  ops(message: { docId: string; ops: (PackedOp | CommittedOp)[] }): void
  presence(message: { docId: string; state: PresenceState }): void
  "presence:leave"(message: { docId: string; clientId: string }): void
  awareness(message: AwarenessRelay): void
  revoked(message: RevokedMessage): void
}
