import { Step } from "prosemirror-transform"
import { schema, coldFromJSON, coolBlocks } from "../../lib/schema"
import { ConcordError, limits, type CommittedOp } from "../../lib/protocol"
import type { Storage } from "../storage"
import type { Logger } from "../log"
import { HubDocument } from "./hub-document"
import { replayed } from "./replayed"
import { crdtState } from "./crdt-module"
import { modeOf } from "../../lib/strategies/registry"
import { rememberRegisters } from "./registers"

/** Settings of the documents a hub holds in memory. */
export interface OpenDocumentsOptions {
  storage: Storage
  log: Logger
  /** Recent ops each open document keeps in memory. */
  window: number
  /** A document nobody is connected to is evicted after this many ms. */
  idleMs: number
  /** Documents held in memory at most; idle ones are evicted first. */
  maxDocuments: number
  /** A document nobody has edited for this many ms has its head packed (see HubDocument.pack). */
  packAfterMs: number
  /**
   * Told of each document once loaded, before any use, with the copy it replaces when one was dropped
   * after a failed commit (whose members have not heard of the ops the store holds beyond it).
   */
  loaded?: (doc: HubDocument, dropped: HubDocument | null) => void
}

/**
 * The documents a hub holds in memory, and their lifecycle: loaded from the store (the latest snapshot
 * plus the ops after it) on first use, loaded again after a failed commit left one broken, held while a
 * join claims or pins them, packed while nobody edits them, and evicted while nobody uses them. A
 * document is never evicted while it is claimed, pinned, joined by a socket, or has a commit in flight.
 */
export class OpenDocuments {
  private readonly docs = new Map<string, HubDocument>()
  private readonly loading = new Map<string, Promise<HubDocument>>()
  /** Documents dropped after a failed commit, until loaded again: the new copy takes over their members. */
  private readonly dropped = new Map<string, HubDocument>()
  /** Documents being opened for a join, by how many joins: not evicted while they load (see openPinned). */
  private readonly claims = new Map<string, number>()
  private closing = false
  private packing = false

  constructor(private readonly options: OpenDocumentsOptions) {}

  /** How long after its last edit a document's head is packed (see HubDocument.pack). */
  get packAfterMs(): number {
    return this.options.packAfterMs
  }

  /** Documents held in memory. */
  get size(): number {
    return this.docs.size
  }

  /** Open documents whose head is packed. */
  get packed(): number {
    let packed = 0
    for (const doc of this.docs.values()) if (doc.isPacked) packed++
    return packed
  }

  /** Throw ERR_SHUTTING_DOWN once `close` was called. */
  checkOpen(): void {
    if (this.closing) throw new ConcordError("ERR_SHUTTING_DOWN", "The hub is shutting down")
  }

  /** The in-memory document, if it is open. */
  peek(docId: string): HubDocument | undefined {
    return this.docs.get(docId)
  }

  /** Every document held in memory. */
  all(): HubDocument[] {
    return [...this.docs.values()]
  }

  /** Whether `doc` is still the one held for its id (not evicted, nor dropped and loaded again since). */
  holds(doc: HubDocument): boolean {
    return this.docs.get(doc.id) === doc
  }

  /** Open a document: from memory, else (or when a failed commit broke it) from the store. */
  async open(docId: string): Promise<HubDocument> {
    this.checkOpen()
    const open = this.docs.get(docId)
    if (open && !open.broken) return touch(open)
    let loading = this.loading.get(docId)
    if (!loading) {
      loading = this.load(docId).finally(() => this.loading.delete(docId))
      this.loading.set(docId, loading)
    }
    return touch(await loading)
  }

  /**
   * Open a document pinned against eviction (unpin with `pins--`): it is claimed from the call on, so
   * that no other document's load evicts it between its own load and the pin.
   */
  async openPinned(docId: string): Promise<HubDocument> {
    this.claims.set(docId, (this.claims.get(docId) ?? 0) + 1)
    try {
      const doc = await this.open(docId)
      doc.pins++
      return doc
    } finally {
      const left = this.claims.get(docId)! - 1
      if (left) this.claims.set(docId, left)
      else this.claims.delete(docId)
    }
  }

  /**
   * Forget `doc` after a commit of it failed, unless another copy was loaded meanwhile: its next use
   * loads it from the store, and that copy keeps its members and their presence.
   */
  drop(doc: HubDocument): void {
    if (!this.holds(doc)) return
    this.docs.delete(doc.id)
    this.dropped.set(doc.id, doc)
  }

  /**
   * Evict documents nobody has used for idleMs, and the least recently used idle ones beyond
   * maxDocuments (leaving `room` places free for documents about to be loaded).
   */
  evictIdle(now = Date.now(), room = 0): number {
    let evicted = 0
    const idle = [...this.docs.values()].filter(d => d.sockets.size == 0 && d.pins == 0 && !this.claims.has(d.id) && d.settled).sort((a, b) => a.lastActive - b.lastActive)
    let excess = this.docs.size + room - this.options.maxDocuments
    for (const doc of idle) {
      if (now - doc.lastActive >= this.options.idleMs || excess > 0) {
        this.docs.delete(doc.id)
        this.dropped.delete(doc.id)
        doc.log.debug({ version: doc.version }, "document-evicted")
        excess--
        evicted++
      }
    }
    return evicted
  }

  /**
   * Pack the heads of open documents nobody has edited for packAfterMs, one after the other (each
   * deflate runs on the thread pool, between them the event loop is free), and cool the heads of the
   * others (see HubDocument.cool). Resolves with how many were packed.
   */
  async packIdle(now = Date.now()): Promise<number> {
    if (this.packing) return 0
    this.packing = true
    let packed = 0
    try {
      for (const doc of [...this.docs.values()]) {
        if (doc.isPacked) continue
        if (now - doc.lastEdit >= this.options.packAfterMs) {
          if (await this.pack(doc)) packed++
        } else doc.cool()
      }
    } finally {
      this.packing = false
    }
    return packed
  }

  /** Pack one document's head; a failure is logged and leaves the head as it was. */
  private async pack(doc: HubDocument): Promise<boolean> {
    try {
      if (!(await doc.pack())) return false
    } catch (error) {
      doc.log.error({ err: error }, "pack-failed")
      return false
    }
    doc.log.debug({ version: doc.version }, "head-packed")
    return true
  }

  /** Open no more documents, and wait until every open document's commits have finished. */
  async close(): Promise<void> {
    this.closing = true
    await Promise.all([...this.docs.values()].map(doc => doc.queue.run(() => doc.durable(doc.version))))
  }

  private async load(docId: string): Promise<HubDocument> {
    const { storage, window } = this.options
    const record = await storage.getDocument(docId)
    if (!record) throw new ConcordError("ERR_UNKNOWN_DOCUMENT", `No document ${docId}`)
    const snapshot = await storage.latestSnapshot(docId)
    if (!snapshot) throw new ConcordError("ERR_STORAGE", `Document ${docId} has no snapshot`)
    let node = coldFromJSON(schema, snapshot.doc)
    let version = snapshot.version
    const recent: CommittedOp[] = []
    const mode = modeOf(record.strategy)
    const crdt = mode.carries == "updates" ? await crdtState() : null
    const ydoc = crdt ? crdt.newCrdtDoc() : null
    for (;;) {
      const page = await storage.getOps(docId, version, undefined, limits.maxOpsPerPage)
      if (!page.length) break
      node = replayed(node, page)
      if (ydoc) crdt!.applyUpdates(ydoc, page)
      recent.push(...page)
      recent.splice(0, Math.max(0, recent.length - window))
      version = page[page.length - 1].version
    }
    const doc = new HubDocument(docId, record.strategy, coolBlocks(node), version, window, this.options.log)
    doc.ydoc = ydoc
    const before = this.dropped.get(docId) ?? null
    if (before) {
      this.dropped.delete(docId)
      doc.adoptMembers(before)
    }
    if (mode.blocks) await loadStamps(storage, doc)
    doc.seed(recent, recent.map(op => op.steps.map(json => Step.fromJSON(schema, json).getMap())))
    if (this.docs.size >= this.options.maxDocuments) this.evictIdle(Date.now(), 1)
    this.docs.set(docId, doc)
    doc.log.debug({ strategy: doc.strategy, snapshot: snapshot.version, version }, "document-loaded")
    this.options.loaded?.(doc, before)
    return doc
  }
}

function touch(doc: HubDocument): HubDocument {
  doc.lastActive = Date.now()
  return doc
}

/**
 * Per-block documents: rebuild from every write the log holds the last-writer-wins register stamps, or
 * who wrote each version-vector block's one value.
 */
async function loadStamps(storage: Storage, doc: HubDocument): Promise<void> {
  for (let after = 0; after < doc.version;) {
    const page = await storage.getOps(doc.id, after, doc.version, limits.maxOpsPerPage)
    if (!page.length) break
    for (const op of page) rememberRegisters(doc, op)
    after = page[page.length - 1].version
  }
}
