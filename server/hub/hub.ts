import { Step } from "prosemirror-transform"
import { schema, newBlockId, compactJSON, coldFromJSON, coolBlocks } from "../../lib/schema"
import {
  ConcordError, limits, hubStrategies,
  type Author, type CommittedOp, type DocAtReply, type DocAtRequest, type HistoryPage, type HistoryRequest, type JoinRequest,
  type JoinResult, type PresenceState, type PresenceUpdate, type SubmitRequest, type SubmitResult,
  type UpdateRequest, type AuthorshipRequest, type AuthorshipSpans, type CreateRequest, type CreateResult, type LinksRequest, type LinksResult, type Role
} from "../../lib/protocol"
import type { Storage } from "../storage"
import { hashToken, newDocId, newLinks, newToken } from "../link-tokens"
import { LinkHolders } from "./link-holders"
import { createLogger, type Logger } from "../log"
import { HubDocument } from "./hub-document"
import { HistoryReads } from "./history-reads"
import { replayed } from "./replayed"
import { crdtState } from "./crdt-module"
import { acknowledgement, prepareSubmit, type PreparedSubmit, type SubmitContext } from "./submit-pipeline"
import { nextSeqOf } from "./dedup"
import { nobody, type Publisher } from "./publisher"
import { modeOf } from "../../lib/strategies/registry"
import { mapSelection } from "../../lib/ot/map-selection"


/** Settings of a hub. */
export interface HubOptions {
  storage: Storage
  /** Where committed ops are published once durable (default: nobody). */
  publisher?: Publisher
  log?: Logger
  /** Commit a snapshot every this many versions (default 100). */
  snapshotEvery?: number
  /** Recent ops each open document keeps in memory (default 256; up to an eighth more between trims). */
  window?: number
  /** A document nobody is connected to is evicted after this many ms (default 30 s). */
  idleMs?: number
  /** Documents held in memory at most; idle ones are evicted first (default 500). */
  maxDocuments?: number
  /** A document nobody has edited for this many ms has its head packed (default 10 s, Infinity never; see HubDocument.pack). */
  packAfterMs?: number
  now?: () => number
}

/**
 * The hub: owns the open documents, runs submits through the pipeline one document at a time,
 * serves joins, history and presence, and evicts idle documents. It knows nothing of sockets:
 * its pipelines publish committed ops through the Publisher it is given.
 */
export class Hub {
  /** Called once the sockets that joined a document with links of `role` have lost them; the transport removes them from it. */
  onRevoked: (docId: string, role: Role, socketIds: string[]) => void = () => {}
  private readonly docs = new Map<string, HubDocument>()
  private readonly loading = new Map<string, Promise<HubDocument>>()
  /** Documents being opened for a join, by how many joins: not evicted while they load (see openPinned). */
  private readonly claims = new Map<string, number>()
  private readonly reads: HistoryReads
  private readonly holders = new LinkHolders()
  private readonly ctx: SubmitContext
  private readonly log: Logger
  private readonly window: number
  private readonly idleMs: number
  private readonly maxDocuments: number
  /** How long after its last edit a document's head is packed (see HubDocument.pack). */
  readonly packAfterMs: number
  private closing = false
  private packing = false

  constructor(readonly options: HubOptions) {
    this.log = options.log ?? createLogger()
    this.window = options.window ?? 256
    this.idleMs = options.idleMs ?? 30_000
    this.maxDocuments = options.maxDocuments ?? 500
    this.packAfterMs = options.packAfterMs ?? 10_000
    this.reads = new HistoryReads(this, options.storage)
    this.ctx = { storage: options.storage, publisher: options.publisher ?? nobody, snapshotEvery: options.snapshotEvery ?? 100, now: options.now ?? Date.now }
  }

  /** Documents held in memory. */
  get openDocuments(): number {
    return this.docs.size
  }

  /** Open documents whose head is packed. */
  get packedDocuments(): number {
    let packed = 0
    for (const doc of this.docs.values()) if (doc.isPacked) packed++
    return packed
  }

  /** The in-memory document, if it is open (for tests and health checks). */
  peek(docId: string): HubDocument | undefined {
    return this.docs.get(docId)
  }

  /** Open a document: from memory, else from its latest snapshot plus the ops after it. */
  async open(docId: string): Promise<HubDocument> {
    if (this.closing) throw new ConcordError("ERR_SHUTTING_DOWN", "The hub is shutting down")
    const open = this.docs.get(docId)
    if (open && !open.broken) return this.touch(open)
    let loading = this.loading.get(docId)
    if (!loading) {
      loading = this.load(docId).finally(() => this.loading.delete(docId))
      this.loading.set(docId, loading)
    }
    return this.touch(await loading)
  }

  /**
   * Create a document (under a random id unless one is asked for) with an owner, an edit and a view link,
   * and return their tokens: the hub keeps only their hashes. It is opened on its first join.
   */
  async create(request: CreateRequest): Promise<CreateResult> {
    if (this.closing) throw new ConcordError("ERR_SHUTTING_DOWN", "The hub is shutting down")
    const strategy = request.strategy ?? hubStrategies[0]
    const docId = request.docId ?? newDocId()
    const { tokens, hashes } = newLinks()
    const initial = schema.node("doc", null, [schema.node("paragraph", { id: newBlockId() })])
    await this.options.storage.createDocument(docId, strategy, compactJSON(initial), this.ctx.now(), hashes)
    this.log.info({ docId }, "document-created")
    return { docId, strategy, links: tokens }
  }

  /**
   * Reissue or revoke a document's links of one role (the transport checked that `socketId` owns the
   * document), then hand the sockets that joined with them to `onRevoked`. The owner link cannot be
   * revoked, only reissued; the socket that reissues it keeps its place under the new one.
   */
  async replaceLinks(request: LinksRequest, socketId: string): Promise<LinksResult> {
    const { docId, role, action } = request
    if (action == "revoke" && role == "owner") throw new ConcordError("ERR_INVALID_MESSAGE", "The owner link can be reissued, not revoked")
    const token = action == "reissue" ? newToken() : null
    const tokenHash = token == null ? null : hashToken(token)
    await this.options.storage.replaceLinks(docId, role, tokenHash, this.ctx.now())
    const revoked = this.holders.revoke(docId, role, role == "owner" ? socketId : undefined)
    if (role == "owner") this.holders.add(docId, socketId, { role, tokenHash: tokenHash! })
    this.log.info({ docId, role, action, sockets: revoked.length }, "links-replaced")
    if (revoked.length) this.onRevoked(docId, role, revoked)
    return { role, token }
  }

  /** Run a batch through the submit pipeline; resolves with the acknowledgement once it is durable. */
  async submit(request: SubmitRequest, author: Author): Promise<SubmitResult> {
    const doc = await this.open(request.docId)
    return this.settle(doc, await doc.queue.run(() => prepareSubmit(this.ctx, doc, request, author)))
  }

  /** Run a CRDT document's Yjs update through its pipeline; resolves with the acknowledgement once it is durable. */
  async update(request: UpdateRequest, author: Author): Promise<SubmitResult> {
    const doc = await this.open(request.docId)
    const { prepareUpdate } = await import("./update-pipeline")
    return this.settle(doc, await doc.queue.run(() => prepareUpdate(this.ctx, doc, request, author)))
  }

  private async settle(doc: HubDocument, prepared: PreparedSubmit): Promise<SubmitResult> {
    try {
      await prepared.commit
    } catch (error) {
      if (this.docs.get(doc.id) === doc) this.docs.delete(doc.id)
      doc.log.error({ err: error, version: prepared.op.version }, "commit-failed")
      throw ConcordError.from(error, "ERR_STORAGE")
    }
    return acknowledgement(prepared)
  }

  /**
   * Join a document: `attach` is called synchronously right before the reply is computed (the
   * transport joins the socket to the room there), so no committed op falls between the reply and
   * the broadcasts that follow it. A refused join changes nothing: it attaches nothing, and its
   * document, if it opened one, is left to the idle sweep.
   */
  async join(request: JoinRequest, socketId: string, attach: () => void): Promise<JoinResult> {
    const revokes = this.holders.generation
    const tokenHash = hashToken(request.token)
    // Checked before anything is opened, with one answer for a missing document and a wrong link.
    const role = await this.options.storage.findLink(request.docId, tokenHash)
    if (!role) throw new ConcordError("ERR_ACCESS_DENIED", "No document with this id and link")
    if (request.stateVector != null) (await crdtState()).checkStateVector(request.stateVector)
    if (!(await this.options.storage.claimClient(request.clientId, hashToken(request.secret), this.ctx.now())))
      throw new ConcordError("ERR_CLIENT_ID_TAKEN", `Client id ${request.clientId} belongs to another client: pick a new one`)
    // Eviction may take a document that was loaded for a join before the join attached to it: open it again.
    for (let attempt = 1; ; attempt++) {
      const doc = await this.openPinned(request.docId)
      let result: JoinResult | null | "revoked"
      try {
        result = await this.joinOpen(doc, request, socketId, attach, { role, tokenHash, revokes })
      } finally {
        doc.pins--
      }
      // A revoke landed while this join awaited: its link may be one of those revoked, so check it again.
      if (result == "revoked") return this.join(request, socketId, attach)
      if (result) return result
      if (attempt == 3) throw new ConcordError("ERR_STORAGE", "The document is being reloaded; join again")
    }
  }

  /**
   * Open a document pinned against eviction (unpin with `pins--`): it is claimed from the call on, so
   * that no other document's load evicts it between its own load and the pin.
   */
  private async openPinned(docId: string): Promise<HubDocument> {
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
   * Join an open document, pinned against eviction, with the link checked before: null when the document
   * was dropped from memory meanwhile, "revoked" when a revoke landed meanwhile.
   */
  private async joinOpen(doc: HubDocument, request: JoinRequest, socketId: string, attach: () => void, link: { role: Role; tokenHash: string; revokes: number }): Promise<JoinResult | null | "revoked"> {
    const from = request.version
    if (from != null && from > doc.durableVersion)
      throw new ConcordError("ERR_VERSION_FROM_FUTURE", `Version ${from} is newer than the document's version ${doc.durableVersion}`)
    // Everything that awaits comes before `attach`, so that nothing falls between it and the reply.
    const crdt = doc.ydoc ? (await crdtState()).crdtJoin(doc.ydoc, request.stateVector) : null
    const nextSeq = await nextSeqOf(this.ctx, doc, request.clientId)
    const wantsOps = from != null && (doc.durableVersion - from <= limits.catchUpOpLimit || request.hasUnconfirmed)
    // A client far behind receives the ops it misses a page at a time, each page a join of its own.
    const paged = wantsOps && doc.durableVersion - from! > limits.maxOpsPerPage
    let older: CommittedOp[] = []
    if (paged) older = await this.options.storage.getOps(doc.id, from!, from! + limits.maxOpsPerPage)
    else if (wantsOps && from! < doc.windowStart) older = await this.options.storage.getOps(doc.id, from!, doc.windowStart)
    if (doc.broken) throw new ConcordError("ERR_STORAGE", "The document is being reloaded; join again")
    if (this.docs.get(doc.id) !== doc) return null
    if (this.holders.generation != link.revokes) return "revoked"
    const recent = wantsOps && !paged ? doc.opsAfter(from! + older.length) : []
    attach()
    doc.sockets.add(socketId)
    this.holders.add(doc.id, socketId, { role: link.role, tokenHash: link.tokenHash })
    const presence = [...doc.presence.values()].filter(p => p.clientId != request.clientId)
    const result = { docId: doc.id, strategy: doc.strategy, role: link.role, version: doc.durableVersion, nextSeq, presence }
    if (crdt) return { ...result, ops: [], crdt }
    if (!wantsOps) return { ...result, snapshot: doc.headSnapshot(), ops: [] }
    // A page, or the window moved on while the ops before it were read: the rest comes with the next join.
    if (paged || !recent) return { ...result, ops: older, more: true }
    return { ...result, ops: older.concat(recent) }
  }

  /** A socket left a document (or disconnected): its presence goes. Returns whether a presence was removed. */
  leave(docId: string, clientId: string, socketId: string): boolean {
    this.holders.remove(docId, socketId)
    const doc = this.docs.get(docId)
    if (!doc) return false
    doc.sockets.delete(socketId)
    doc.lastActive = Date.now()
    // The same client may have joined again on a new socket before this one closed: its presence stays.
    if (doc.presenceSockets.get(clientId) != socketId) return false
    doc.presenceSockets.delete(clientId)
    return doc.presence.delete(clientId)
  }

  /**
   * Record a client's selection, mapped to the newest durable version, and return it for relaying. A
   * selection on a version older than the ops the hub holds in memory cannot be mapped, and goes.
   */
  presence(clientId: string, socketId: string, user: Author, update: PresenceUpdate): PresenceState | null {
    const doc = this.docs.get(update.docId)
    if (!doc) return null
    let selection = update.selection
    let version = Math.min(update.version, doc.durableVersion)
    const maps = selection && doc.mapsAfter(version, doc.durableVersion)
    if (selection && !maps) {
      selection = null
      version = doc.durableVersion
    }
    if (selection && maps) {
      selection = mapSelection(selection, maps, doc.durableSize)
      version = doc.durableVersion
    }
    const state: PresenceState = { clientId, user, version, selection }
    doc.presence.set(clientId, state)
    doc.presenceSockets.set(clientId, socketId)
    return state
  }

  /** A page of committed ops, newest first (see HistoryReads). */
  history(request: HistoryRequest): Promise<HistoryPage> {
    return this.reads.history(request)
  }

  /** The document at a version, for the client to finish (see HistoryReads). */
  docAt(request: DocAtRequest): Promise<DocAtReply> {
    return this.reads.docAt(request)
  }

  /** Who wrote what in the document at a version (see HistoryReads). */
  authorship(request: AuthorshipRequest): Promise<AuthorshipSpans> {
    return this.reads.authorship(request)
  }

  /**
   * Evict documents nobody has used for idleMs, and the least recently used idle ones beyond
   * maxDocuments (leaving `room` places free for documents about to be loaded).
   */
  evictIdle(now = Date.now(), room = 0): number {
    let evicted = 0
    const idle = [...this.docs.values()].filter(d => d.sockets.size == 0 && d.pins == 0 && !this.claims.has(d.id) && d.settled).sort((a, b) => a.lastActive - b.lastActive)
    let excess = this.docs.size + room - this.maxDocuments
    for (const doc of idle) {
      if (now - doc.lastActive >= this.idleMs || excess > 0) {
        this.docs.delete(doc.id)
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
        if (now - doc.lastEdit >= this.packAfterMs) {
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

  /** Stop taking work and wait until every document's commits have finished. */
  async close(): Promise<void> {
    this.closing = true
    await Promise.all([...this.docs.values()].map(doc => doc.queue.run(() => doc.durable(doc.version))))
  }

  private touch(doc: HubDocument): HubDocument {
    doc.lastActive = Date.now()
    return doc
  }

  private async load(docId: string): Promise<HubDocument> {
    const storage = this.options.storage
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
      recent.splice(0, Math.max(0, recent.length - this.window))
      version = page[page.length - 1].version
    }
    const doc = new HubDocument(docId, record.strategy, coolBlocks(node), version, this.window, this.log)
    doc.ydoc = ydoc
    if (mode.blocks) await loadStamps(storage, doc)
    doc.seed(recent, recent.map(op => op.steps.map(json => Step.fromJSON(schema, json).getMap())))
    if (this.docs.size >= this.maxDocuments) this.evictIdle(Date.now(), 1)
    this.docs.set(docId, doc)
    doc.log.debug({ strategy: doc.strategy, snapshot: snapshot.version, version }, "document-loaded")
    return doc
  }
}

/**
 * Per-block documents: rebuild from every write the log holds the last-writer-wins register stamps, or
 * who wrote each version-vector block's one value.
 */
async function loadStamps(storage: Storage, doc: HubDocument): Promise<void> {
  for (let after = 0; after < doc.version;) {
    const page = await storage.getOps(doc.id, after, doc.version, limits.maxOpsPerPage)
    if (!page.length) break
    for (const op of page) {
      for (const write of op.writes ?? []) if (write.won) doc.stamps.set(write.block, write.stamp)
      for (const write of op.vvWrites ?? []) if (write.outcome != "conflict") doc.writers.set(write.block, { author: op.author, clientId: op.clientId })
    }
    after = page[page.length - 1].version
  }
}

