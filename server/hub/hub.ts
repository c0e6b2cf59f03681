import { schema, newBlockId, compactJSON } from "../../lib/schema"
import {
  ConcordError, limits, hubStrategies,
  type Author, type CommittedOp, type DocAtReply, type DocAtRequest, type HistoryPage, type HistoryRequest, type JoinRequest,
  type JoinResult, type PresenceState, type PresenceUpdate, type SubmitRequest, type SubmitResult,
  type UpdateRequest, type AuthorshipRequest, type DocumentSummary, type SummariesRequest, type AuthorshipSpans, type CreateRequest, type CreateResult, type LinksRequest, type LinksResult, type Role
} from "../../lib/protocol"
import type { Storage } from "../storage"
import { hashToken, newDocId, newLinks, newToken } from "../link-tokens"
import { LinkHolders } from "./link-holders"
import { createLogger, type Logger } from "../log"
import type { HubDocument } from "./hub-document"
import { OpenDocuments } from "./open-documents"
import { HistoryReads } from "./history-reads"
import { documentSummaries } from "./document-summaries"
import { crdtState } from "./crdt-module"
import { acknowledgement, prepareSubmit, publish, type PreparedSubmit } from "./submit-pipeline"
import type { SubmitContext } from "./submit-context"
import { nextSeqOf } from "./dedup"
import { nobody, type Publisher } from "./publisher"
import type { HubBus } from "../storage/hub-bus"
import { PeerHubs } from "./peer-hubs"
import { mapSelection } from "../../lib/ot/map-selection"
import type { DocumentLeases } from "../storage/document-leases"
import { DocumentOwners } from "./document-owners"
import type { Forwarded, ForwardedBatch, Forwarder } from "./forwarder"
import { receiveCommitted } from "./catch-up"

/** Settings of a hub. */
export interface HubOptions {
  storage: Storage
  /** Where committed ops are published once durable (default: nobody). */
  publisher?: Publisher
  /** How this hub hears of the other hubs sharing its store (none: it is alone on it). */
  bus?: HubBus
  /** How often it tells them it is there, in ms (default 5 s; see PeerHubs). */
  peerHeartbeatMs?: number
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

/** How often a batch is prepared again after another hub committed its version first. */
const commitAttempts = 10
/** How often a join opens its document again when it was dropped (or evicted) while the join awaited. */
const joinAttempts = 10

/**
 * The hub: serves the requests on documents (create, join, submit, update, presence, reads), running
 * submits through the pipeline one document at a time. The documents it holds in memory, and when they
 * are loaded, packed and evicted, are `documents`' business. It knows nothing of sockets: its pipelines
 * publish committed ops through the Publisher it is given.
 *
 * Several hubs may share one store (PostgreSQL). Each op is transformed and committed by the hub its
 * client is connected to; the store takes each version once (a lost race is ERR_COMMIT_CONFLICT), so
 * the op log has one total order. A hub that lost a race reloads the document and prepares the batch
 * again over what the other hub committed; a hub hears of the others' commits on its bus, applies them
 * (without transforming them again) and publishes them to its own members.
 */
export class Hub {
  /** Called once the sockets that joined a document with links of `role` have lost them; the transport removes them from it. */
  onRevoked: (docId: string, role: Role, socketIds: string[]) => void = () => {}
  /** Batches this hub committed (resends found committed not counted), and batches it forwarded to the hub holding their document's lease. */
  readonly counts = { committed: 0, forwarded: 0 }
  /** The documents held in memory: open, pin, pack, evict. */
  readonly documents: OpenDocuments
  private readonly reads: HistoryReads
  private readonly holders = new LinkHolders()
  private readonly ctx: SubmitContext
  private readonly log: Logger
  /** The other hubs sharing the store, when there are (a bus). */
  private readonly peers: PeerHubs | null
  /** Which hub commits each document, and how batches reach it, once several hubs route through leases. */
  private cluster: { owners: DocumentOwners; forwarder: Forwarder } | null = null

  constructor(readonly options: HubOptions) {
    this.log = options.log ?? createLogger()
    this.documents = new OpenDocuments({
      storage: options.storage,
      log: this.log,
      window: options.window ?? 256,
      idleMs: options.idleMs ?? 30_000,
      maxDocuments: options.maxDocuments ?? 500,
      packAfterMs: options.packAfterMs ?? 10_000,
      loaded: (doc, dropped) => this.loaded(doc, dropped)
    })
    this.reads = new HistoryReads(this.documents, options.storage)
    this.ctx = { storage: options.storage, publisher: options.publisher ?? nobody, snapshotEvery: options.snapshotEvery ?? 100, now: options.now ?? Date.now }
    this.peers = options.bus ? new PeerHubs(options.bus, this.documents, this.ctx, (docId, role) => this.revokeHolders(docId, role), options.peerHeartbeatMs) : null
  }

  /**
   * Create a document (under a random id unless one is asked for) with an owner, an edit and a view link,
   * and return their tokens: the hub keeps only their hashes. It is opened on its first join.
   */
  async create(request: CreateRequest): Promise<CreateResult> {
    this.documents.checkOpen()
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
    const revoked = this.revokeHolders(docId, role, role == "owner" ? socketId : undefined)
    if (role == "owner") this.holders.add(docId, socketId, { role, tokenHash: tokenHash! })
    this.log.info({ docId, role, action, sockets: revoked.length }, "links-replaced")
    this.peers?.tell({ kind: "revoked", docId, role })
    return { role, token }
  }

  /** Remove the sockets that joined `docId` with its links of `role` (but `keep`), and hand them to onRevoked. */
  private revokeHolders(docId: string, role: Role, keep?: string): string[] {
    const revoked = this.holders.revoke(docId, role, keep)
    if (revoked.length) this.onRevoked(docId, role, revoked)
    return revoked
  }

  /** Run a batch through the submit pipeline; resolves with the acknowledgement once it is durable. */
  submit(request: SubmitRequest, author: Author): Promise<SubmitResult> {
    return this.routed({ kind: "submit", request, author })
  }

  /** Run a CRDT document's Yjs update through its pipeline; resolves with the acknowledgement once it is durable. */
  update(request: UpdateRequest, author: Author): Promise<SubmitResult> {
    return this.routed({ kind: "update", request, author })
  }

  /**
   * Route the hubs sharing a store through leases (see DocumentOwners): from now on each document's
   * batches are committed by the hub that holds its lease, and the others forward theirs to it. Called
   * once the hub listens, as its address is part of its leases.
   */
  routeThrough(leases: DocumentLeases, forwarder: Forwarder, ttlMs: number): void {
    if (!this.peers) throw new Error("Only a hub with a bus shares its store with other hubs")
    const owners = new DocumentOwners(leases, this.peers.hubId, () => this.documents.all().map(doc => doc.id), ttlMs, this.log)
    this.peers.onQuiet = hub => owners.quiet(hub)
    this.peers.onHeard = hub => owners.heardFrom(hub)
    this.cluster = { owners, forwarder }
  }

  /** Commit a batch another hub forwarded here (this one holds, or held, its document's lease). */
  async commitForwarded(batch: ForwardedBatch): Promise<Forwarded> {
    const prepared = await this.committed(batch, false)
    return { result: acknowledgement(prepared), op: prepared.op }
  }

  /**
   * Commit a batch here, or forward it to the hub that holds its document's lease and deliver the op it
   * committed to this hub's members before the acknowledgement. A holder that cannot be reached is
   * taken over from, and the batch committed here (a resend of what it did commit is found by dedup).
   */
  private async routed(batch: ForwardedBatch): Promise<SubmitResult> {
    const docId = batch.request.docId
    for (let attempt = 1; ; attempt++) {
      const route = this.cluster ? await this.cluster.owners.route(docId) : { here: true as const, fresh: false }
      if (route.here) return acknowledgement(await this.committed(batch, route.fresh))
      let forwarded: Forwarded
      try {
        forwarded = await this.cluster!.forwarder.forward(route.holder.address, batch)
      } catch (error) {
        const coded = ConcordError.from(error)
        // A holder that is stopping (SIGTERM) is as good as gone: take over rather than wait for its socket to close.
        if ((coded.code != "ERR_HUB_UNREACHABLE" && coded.code != "ERR_SHUTTING_DOWN") || attempt >= commitAttempts) throw coded
        this.log.warn({ docId, hub: route.holder.hub, address: route.holder.address, code: coded.code }, "hub-unreachable")
        this.cluster!.owners.unreachable(docId, route.holder.hub)
        continue
      }
      this.counts.forwarded++
      await this.delivered(docId, forwarded.op)
      return forwarded.result
    }
  }

  /** Bring this hub's copy of `docId` to `op`, committed by another hub, so that its author hears of it before the acknowledgement. */
  private async delivered(docId: string, op: CommittedOp): Promise<void> {
    const doc = this.documents.peek(docId)
    if (doc) await doc.queue.run(() => receiveCommitted(this.ctx, doc, [op]))
  }

  /**
   * Prepare a batch in its document's queue and wait for its commit. When another hub committed the
   * version first (or the document broke while the batch waited), the document is loaded again from
   * the store and the batch prepared again over the ops committed meanwhile: its client never hears of
   * the race unless it keeps losing it. `fresh`: this hub just took the lease, so it catches up first.
   */
  private async committed(batch: ForwardedBatch, fresh: boolean): Promise<PreparedSubmit> {
    const docId = batch.request.docId
    for (let attempt = 1; ; attempt++) {
      const doc = await this.documents.open(docId)
      let prepared: PreparedSubmit | null
      try {
        prepared = await doc.queue.run(async () => {
          await this.peers?.beforePrepare(doc, fresh && attempt == 1)
          // Broken while the batch waited, or a commit the catch-up waited for lost its race: load it again.
          if (doc.broken && attempt < commitAttempts) return null
          return this.prepare(doc, batch)
        })
      } catch (error) {
        // A client that came from another hub may be ahead of this hub's copy: catch up with the store, and try again.
        if (!this.peers || attempt >= commitAttempts || ConcordError.from(error).code != "ERR_VERSION_FROM_FUTURE") throw error
        await this.peers.caughtUp(doc)
        continue
      }
      if (!prepared) continue
      // A resend of a batch another hub committed, which this one has not heard of yet: its op comes with the catch-up.
      if (prepared.duplicate && prepared.op.version > doc.version) this.peers?.catchUp(doc)
      try {
        await prepared.commit
        if (!prepared.duplicate) this.counts.committed++
        return prepared
      } catch (error) {
        this.documents.drop(doc)
        const coded = ConcordError.from(error, "ERR_STORAGE")
        if (coded.code == "ERR_COMMIT_CONFLICT" && attempt < commitAttempts) {
          doc.log.debug({ version: prepared.op.version, attempt }, "commit-conflict")
          // Hubs that keep taking each other's versions step apart, a random few ms more each time.
          if (attempt > 1) await new Promise(resolve => setTimeout(resolve, Math.random() * attempt * 2))
          continue
        }
        doc.log.error({ err: error, version: prepared.op.version }, "commit-failed")
        throw coded
      }
    }
  }

  /** Run a batch through its pipeline, up to its commit (inside the document's queue). */
  private async prepare(doc: HubDocument, batch: ForwardedBatch): Promise<PreparedSubmit> {
    if (batch.kind == "submit") return prepareSubmit(this.ctx, doc, batch.request, batch.author)
    const { prepareUpdate } = await import("./update-pipeline")
    return prepareUpdate(this.ctx, doc, batch.request, batch.author)
  }

  /**
   * A document was loaded. When it replaces a copy dropped after a failed commit, the members hear the
   * ops the store holds beyond what they were sent (another hub's, which took the version); the other
   * hubs' work on it is the peers' business.
   */
  private loaded(doc: HubDocument, dropped: HubDocument | null): void {
    if (dropped && dropped.durableVersion < doc.durableVersion) {
      const from = dropped.durableVersion
      doc.queue.run(async () => publish(this.ctx, doc, doc.opsAfter(from) ?? await this.options.storage.getOps(doc.id, from, doc.durableVersion)))
        .catch(error => doc.log.error({ err: error }, "publish-failed"))
    }
    this.peers?.opened(doc)
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
      const doc = await this.documents.openPinned(request.docId)
      let result: JoinResult | null | "revoked"
      try {
        result = await this.joinOpen(doc, request, socketId, attach, { role, tokenHash, revokes })
      } finally {
        doc.pins--
      }
      // A revoke landed while this join awaited: its link may be one of those revoked, so check it again.
      if (result == "revoked") return this.join(request, socketId, attach)
      if (result) return result
      if (attempt == joinAttempts) throw new ConcordError("ERR_STORAGE", "The document is being reloaded; join again")
    }
  }

  /**
   * Join an open document, pinned against eviction, with the link checked before: null when the document
   * was dropped from memory meanwhile, "revoked" when a revoke landed meanwhile.
   */
  private async joinOpen(doc: HubDocument, request: JoinRequest, socketId: string, attach: () => void, link: { role: Role; tokenHash: string; revokes: number }): Promise<JoinResult | null | "revoked"> {
    const from = request.version
    // A client that came from another hub may be ahead of this hub's copy: the store has what it saw.
    if (from != null && from > doc.durableVersion && this.peers) await this.peers.caughtUp(doc)
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
    // Dropped after a failed commit (another hub took its version), or evicted: open it again.
    if (doc.broken || !this.documents.holds(doc)) return null
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
    const doc = this.documents.peek(docId)
    if (!doc) return false
    doc.sockets.delete(socketId)
    doc.lastActive = Date.now()
    return this.forgetPresence(docId, clientId, socketId)
  }

  /**
   * Drop `clientId`'s presence, set through socket `socketId`, from the document: when the client
   * leaves, or when its socket joins the document again as another client. Returns true when there
   * was one, for the room to be told.
   */
  forgetPresence(docId: string, clientId: string, socketId: string): boolean {
    const doc = this.documents.peek(docId)
    if (!doc) return false
    // The same client may have joined again on a new socket before this one closed: its presence stays.
    if (doc.presenceSockets.get(clientId) != socketId) return false
    doc.presenceSockets.delete(clientId)
    if (!doc.presence.delete(clientId)) return false
    this.peers?.tell({ kind: "left", docId, clientId })
    return true
  }

  /**
   * Record a client's selection, mapped to the newest durable version, and return it for relaying. A
   * selection on a version older than the ops the hub holds in memory cannot be mapped, and goes.
   */
  presence(clientId: string, socketId: string, user: Author, update: PresenceUpdate): PresenceState | null {
    const doc = this.documents.peek(update.docId)
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
    this.peers?.tell({ kind: "presence", docId: doc.id, state })
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

  /** What the documents page shows of each document asked about, with a link token for it (see documentSummaries). */
  summaries(request: SummariesRequest): Promise<DocumentSummary[]> {
    this.documents.checkOpen()
    return documentSummaries(this.options.storage, this.documents, request)
  }

  /** Stop taking work and wait until every document's commits have finished; then give up this hub's leases. */
  async close(): Promise<void> {
    this.peers?.stop()
    await this.documents.close()
    this.cluster?.forwarder.close()
    await this.cluster?.owners.stop()
  }
}
