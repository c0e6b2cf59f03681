import type { Node } from "prosemirror-model"
import type { StepMap } from "prosemirror-transform"
import type * as Y from "yjs"
import { ConcordError, type CommittedOp, type LwwStamp, type PresenceState, type Snapshot, type StrategyName } from "../../lib/protocol"
import type { VvWriter } from "../../lib/strategies/vv/writes"
import { StepApplier } from "../../lib/ot/step-applier"
import { compactJSON, coolBlocks, titleOf, type NodeJSON } from "../../lib/schema"
import { crdtTitle } from "../../lib/strategies/crdt/title"
import type { Logger } from "../log"
import { SerialQueue } from "./serial-queue"
import { packHead, unpackHead, unpackJSON } from "./packed-head"

/** One committed op held in memory with the step maps that transform later batches past it. */
export interface RecentOp {
  op: CommittedOp
  maps: StepMap[]
  /** The document after this op, kept only until the op is durable. */
  doc: Node | null
}

/**
 * A document as the hub holds it in memory: the head document, a bounded window of recent ops,
 * the last seq each client committed, who is here, and the queue that serializes its submits.
 * `version` counts ops applied in memory; `durableVersion` those the store has committed. Only
 * durable ops are acknowledged, broadcast or served. While nobody edits it, the hub packs the head
 * (see `pack`): `doc` and `durableDoc` unpack it again on first use.
 */
export class HubDocument {
  version: number
  durableVersion: number
  readonly queue = new SerialQueue()
  readonly lastSeq = new Map<string, { seq: number; version: number }>()
  readonly presence = new Map<string, PresenceState>()
  /** The socket each presence came from: only that socket's leave removes it. */
  readonly presenceSockets = new Map<string, string>()
  readonly sockets = new Set<string>()
  /** Joins in progress: a pinned document is not evicted, even before its socket is attached. */
  pins = 0
  /** Last-writer-wins documents: the stamp that last wrote each register (block id, or "document"). */
  get stamps(): Map<string, LwwStamp> {
    return (this.lwwStamps ??= new Map())
  }

  /** Version-vector documents: who wrote each block's one value. */
  get writers(): Map<string, VvWriter> {
    return (this.vvWriters ??= new Map())
  }

  /** CRDT documents: the Yjs document holding every durable update. */
  ydoc: Y.Doc | null = null
  lastActive = Date.now()
  /**
   * When an op was last applied, or the head last unpacked (by a submit, even one refused, or a request
   * for the newest version): the hub packs the head some time after.
   */
  lastEdit = Date.now()
  /** Applies every batch's steps, from one batch to the next (see transformBatch's `applier`). */
  readonly applier = new StepApplier()
  /** Set when a commit failed: the document must be reloaded from the store before further use. */
  broken = false
  /** A catch-up with the store (ops other hubs committed) is queued and has not started reading yet. */
  catchUpQueued = false
  /** The newest version other hubs were heard to commit: a batch prepared below it would lose its race. */
  heardVersion = 0
  private recent: RecentOp[] = []
  // Made on first use: a Map costs some 180 bytes even empty, and documents of other strategies never use these.
  private lwwStamps: Map<string, LwwStamp> | null = null
  private vvWriters: Map<string, VvWriter> | null = null
  private waiters: { version: number; resolve: () => void; reject: (error: ConcordError) => void }[] = []

  /** The document at `version`, unless packed. */
  private head: Node | null
  /** The document at `durableVersion`, unless packed. */
  private durableHead: Node | null
  /** The head, packed while nobody edits it (then `head` and `durableHead` are null; they are equal). */
  private packed: { bytes: Uint8Array; size: number; title: string } | null = null

  /** The hub's logger bound to this document: every line it writes carries the `docId`. */
  readonly log: Logger

  /** An open document at `version`, logging through a child of `hubLog`. */
  constructor(readonly id: string, readonly strategy: StrategyName, doc: Node, version: number, private readonly window: number, hubLog: Logger) {
    this.version = version
    this.durableVersion = version
    this.head = this.durableHead = doc
    this.log = hubLog.child({ docId: id })
  }

  /** The document at `version`: what the next batch applies to. */
  get doc(): Node {
    return this.head ?? this.unpack()
  }

  /** The document at `durableVersion`: what joins and snapshots serve. */
  get durableDoc(): Node {
    return this.durableHead ?? this.unpack()
  }

  /** `durableDoc`'s content size, without unpacking it. */
  get durableSize(): number {
    return this.packed ? this.packed.size : this.durableDoc.content.size
  }

  /** The durable document's title, without unpacking it. */
  get title(): string {
    if (this.ydoc) return crdtTitle(this.ydoc)
    return this.packed ? this.packed.title : titleOf(this.durableDoc)
  }

  /** `durableDoc` in compact JSON (what a join sends), without building its tree when packed. */
  durableJSON(): NodeJSON {
    return this.packed ? unpackJSON(this.packed.bytes) : compactJSON(this.durableDoc)
  }

  /** The durable head as a snapshot: what a join or docAt of the newest version serves. */
  headSnapshot(): Snapshot {
    return { version: this.durableVersion, doc: this.durableJSON() }
  }

  /** Whether the head is packed. */
  get isPacked(): boolean {
    return this.packed != null
  }

  /**
   * Pack the head while nobody edits the document: deflated compact JSON instead of a ProseMirror
   * tree. Only a settled document of a step-based strategy is packed, and only if nothing was applied
   * while the deflate ran. Resolves with whether it packed.
   */
  async pack(): Promise<boolean> {
    if (!this.packable) return false
    const head = this.head!, version = this.version
    const bytes = await packHead(head)
    if (!this.packable || this.head !== head || this.version != version) return false
    this.packed = { bytes, size: head.content.size, title: titleOf(head) }
    this.head = this.durableHead = null
    this.applier.forget()
    return true
  }

  /**
   * Hold the head's plain textblocks as ColdBlocks again, those that steps made since and those whose
   * content was read (only a settled step-based document: the head is then also the durable one).
   */
  cool(): void {
    if (!this.packable) return
    const cooled = coolBlocks(this.head!)
    if (cooled === this.head) return
    this.head = this.durableHead = cooled
    this.applier.forget()
  }

  private get packable(): boolean {
    return this.head != null && this.head === this.durableHead && this.settled && !this.broken && !this.ydoc
  }

  private unpack(): Node {
    const doc = unpackHead(this.packed!.bytes)
    this.head = this.durableHead = doc
    this.packed = null
    this.lastEdit = Date.now()
    return doc
  }

  /** Take over the members of the copy this one replaces (reloaded after a failed commit): their sockets and presence. */
  adoptMembers(before: HubDocument): void {
    for (const socket of before.sockets) this.sockets.add(socket)
    for (const [clientId, state] of before.presence) this.presence.set(clientId, state)
    for (const [clientId, socket] of before.presenceSockets) this.presenceSockets.set(clientId, socket)
  }

  /** Seed the window with ops loaded from the store, already durable and already applied to `doc`. */
  seed(ops: readonly CommittedOp[], maps: StepMap[][]): void {
    ops.forEach((op, i) => {
      this.recent.push({ op, maps: maps[i], doc: null })
      this.lastSeq.set(op.clientId, { seq: op.seq, version: op.version })
    })
    this.trim()
  }

  /** The oldest version whose following ops are all in memory. */
  get windowStart(): number {
    return this.version - this.recent.length
  }

  /** Apply a prepared op in memory, ahead of its commit. */
  append(op: CommittedOp, maps: StepMap[], doc: Node): void {
    this.recent.push({ op, maps, doc })
    this.head = doc
    this.lastEdit = Date.now()
    this.version = op.version
    this.lastSeq.set(op.clientId, { seq: op.seq, version: op.version })
    this.trim()
  }

  /**
   * Record that the store committed every op up to `version` and wake whoever waits; returns the ops that
   * became durable, in version order, for the pipeline to publish.
   */
  markDurable(version: number): CommittedOp[] {
    if (version <= this.durableVersion) return []
    const start = this.durableVersion - this.windowStart
    const newlyDurable = this.recent.slice(start, start + version - this.durableVersion)
    const ops = newlyDurable.map(r => r.op)
    this.durableHead = newlyDurable[newlyDurable.length - 1].doc ?? this.durableHead
    for (const r of newlyDurable) r.doc = null
    this.durableVersion = version
    this.waiters = this.waiters.filter(w => (w.version <= this.durableVersion ? (w.resolve(), false) : true))
    this.trim()
    return ops
  }

  /** Resolves once `version` is durable; rejects when a commit fails before it is. */
  durable(version: number): Promise<void> {
    if (version <= this.durableVersion) return Promise.resolve()
    if (this.broken) return Promise.reject(new ConcordError("ERR_STORAGE", "The document is being reloaded after a storage failure; resend"))
    return new Promise((resolve, reject) => this.waiters.push({ version, resolve, reject }))
  }

  /**
   * A commit failed with `error`: the document must be reloaded from the store before further use, and
   * whoever waits for an op to become durable (a resend of a batch in flight) gets the error, coded
   * ERR_STORAGE unless it has a code; returned for the committer to throw.
   */
  markBroken(error: unknown): ConcordError {
    const coded = ConcordError.from(error, "ERR_STORAGE")
    this.broken = true
    for (const waiter of this.waiters.splice(0)) waiter.reject(coded)
    return coded
  }

  /** The ops after `after` up to `upTo` from memory, or null when some of them are no longer held. */
  opsAfter(after: number, upTo: number = this.durableVersion): CommittedOp[] | null {
    if (after < this.windowStart) return null
    const start = after - this.windowStart
    return this.recent.slice(start, start + Math.max(0, upTo - after)).map(r => r.op)
  }

  /** The step maps of the ops after `after` up to `upTo`, or null when some are no longer held. */
  mapsAfter(after: number, upTo: number = this.version): StepMap[] | null {
    if (after < this.windowStart) return null
    const maps: StepMap[] = []
    for (let i = after - this.windowStart; i < upTo - this.windowStart; i++) maps.push(...this.recent[i].maps)
    return maps
  }

  /**
   * Who committed the op before `op` (just appended), as the store must find it at the head when `op`
   * commits: null before the first op; undefined when it is no longer in memory.
   */
  follows(op: CommittedOp): { clientId: string; seq: number } | null | undefined {
    if (op.version == 1) return null
    const before = this.recent[op.version - 2 - this.windowStart]?.op
    return before && before.version == op.version - 1 ? { clientId: before.clientId, seq: before.seq } : undefined
  }

  /** The op a client committed under `seq`, if it is still in memory. */
  recentOp(clientId: string, seq: number): CommittedOp | null {
    const last = this.lastSeq.get(clientId)
    if (!last) return null
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const op = this.recent[i].op
      if (op.clientId == clientId && op.seq == seq) return op
    }
    return null
  }

  /** True when nothing waits in the queue and every op is durable: the document may be evicted. */
  get settled(): boolean {
    return this.queue.length == 0 && this.durableVersion == this.version
  }

  /**
   * Drop the oldest ops beyond the window, an eighth of the window at a time (so that the array is not
   * shifted on every op): the window holds at most `window` plus that many ops.
   */
  private trim(): void {
    const excess = this.recent.length - this.window
    if (excess < Math.max(1, this.window >> 3)) return
    // Never drop an op that is not durable yet: joins and dedup must still find it.
    const durableCount = this.recent.length - (this.version - this.durableVersion)
    const n = Math.min(excess, durableCount)
    if (n > 0) this.recent.splice(0, n)
  }
}
