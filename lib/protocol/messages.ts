import type { ErrorJSON } from "./errors"

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
  /** How positions moved, present only when the op was transformed past others. */
  moves?: StepMove[]
  /** What the op did in plain language ("typed 'hello' in paragraph 3"), written by the hub. */
  summary?: string
  /** On a last-writer-wins document: each block write the op carried, and whether it won. */
  writes?: LwwWrite[]
}

/** A block's new value as a last-writer-wins client writes it. */
export interface BlockWrite {
  /** The block's stable id. */
  id: string
  /** The block's new value (a top-level node), or null when the writer deleted it. */
  node: DocJSON | null
  /** The id of the block before it in the writer's document, null when it is first. */
  after: string | null
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
  /** The block id, or "document" for whole-document writes. */
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

/** The conflict strategies a document can be served under. */
export type StrategyName = "ot" | "lww" | "lww-doc" | "vv" | "crdt"

export interface JoinRequest {
  docId: string
  clientId: string
  /** The version the client already has, or null to receive a snapshot. */
  version: number | null
  user: Author
  /** Create the document when it does not exist yet. */
  create?: boolean
  /** The conflict strategy to create it under (default "ot"); ignored for an existing document. */
  strategy?: StrategyName
  /** The client holds local steps based on `version`: send ops, never a snapshot, however far behind. */
  hasUnconfirmed?: boolean
}

export interface JoinResult {
  docId: string
  strategy: StrategyName
  /** The hub's version when the client joined. */
  version: number
  /** Present when the client had no version or was too far behind. */
  snapshot?: Snapshot
  /** The ops after the client's version (or after the snapshot), in order. */
  ops: CommittedOp[]
  /** Other people in the document. */
  presence: PresenceState[]
}

export interface SubmitRequest {
  docId: string
  clientId: string
  seq: number
  baseVersion: number
  steps: StepJSON[]
  /** Last-writer-wins documents only: the writer's clock (with its skew) when it wrote. */
  clock?: number
  /** Last-writer-wins documents only: the new values of the blocks the steps changed. */
  blocks?: BlockWrite[]
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

/** Either a result or an error: every acknowledgement has this shape. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorJSON }

/** Events a client sends; the last argument is Socket.IO's acknowledgement callback. */
export interface ClientToServerEvents {
  join(request: JoinRequest, ack: (reply: Reply<JoinResult>) => void): void
  submit(request: SubmitRequest, ack: (reply: Reply<SubmitResult>) => void): void
  leave(request: { docId: string }, ack?: (reply: Reply<null>) => void): void
  presence(update: PresenceUpdate): void
  history(request: HistoryRequest, ack: (reply: Reply<HistoryPage>) => void): void
  docAt(request: DocAtRequest, ack: (reply: Reply<Snapshot>) => void): void
}

/** Events the hub sends. */
export interface ServerToClientEvents {
  /** Committed ops in hub order, coalesced per room. */
  ops(message: { docId: string; ops: CommittedOp[] }): void
  presence(message: { docId: string; state: PresenceState }): void
  "presence:leave"(message: { docId: string; clientId: string }): void
}
