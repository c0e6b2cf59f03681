import { Node } from "prosemirror-model"
import { EditorState, Selection, type Plugin, type Transaction } from "prosemirror-state"
import type { StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { SyncClient, type Batch, type LocalDrop } from "../ot/sync-client"
import { ConcordError, type ErrorCode } from "../protocol/errors"
import { limits } from "../protocol/limits"
import { unpackOps } from "../protocol/packed-steps"
import type {
  Author, AuthorshipSpans, CommittedOp, DocAtReply, HistoryPage, JoinRequest, JoinResult, LeanOp, SelectionJSON, Snapshot, StrategyName, SubmitResult
} from "../protocol/messages"
import { batchDescriber } from "../strategies/batch-describer"
import { modeOf } from "../strategies/registry"
import { VersionVectorClock } from "../strategies/vv/writes"
import { keepCaretBeforeRemoteText } from "./caret-stickiness"
import { DetailedOpFeed } from "./detailed-op-feed"
import { LocalPresence } from "./local-presence"
import { RemotePresenceSet, type RemotePresence } from "./remote-presence"
import { ackTimeout, HubConnection, retryable, toError, type HubConnectionOptions } from "./hub-connection"

/**
 * Where a connection stands: "offline" only after `goOffline`; "denied" when the hub refused the link
 * (or has no such document: it does not say which); "revoked" when the link stopped working after it
 * had worked (the local document stays on show).
 */
export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline" | "denied" | "revoked" | "error"

/** What changed, as told to subscribers. */
export type ConnectionChange = "state" | "status" | "presence" | "issue"

/** Something the user should hear about: an error the connection ran into, or edits that were lost. */
export interface ConnectionIssue {
  /** The hub's error code, or EDITS_DROPPED when the hub dropped some of this client's steps in a conflict. */
  code: ErrorCode | "EDITS_DROPPED"
  message: string
  /** Local steps that are gone for good (0 when nothing was lost). */
  lost: number
}

/** Options for a DocConnection. */
export interface DocConnectionOptions extends HubConnectionOptions {
  /** ProseMirror plugins for the editor state. */
  plugins?: readonly Plugin[]
}

const confirmWait = 5_000
const firstRetryDelay = 500

/**
 * One document kept in sync with the hub over Socket.IO: owns the socket and a SyncClient, applies local
 * transactions at once, sends them one batch at a time, rebases over everyone's committed ops, and tracks
 * where other people's selections are. Survives disconnects: on reconnect it rejoins from its version,
 * catches up and resends its batch in flight unchanged, so the hub applies every edit exactly once.
 *
 * Presence goes out in the hub's coordinates (LocalPresence); other people's selections are carried
 * from their version to the local document through the committed ops and the unconfirmed local steps
 * (RemotePresenceSet).
 *
 * On a view link (or once its link is revoked) it is read-only: it applies no local change to the
 * document and sends no steps and no presence, but follows everyone else's.
 */
export class DocConnection extends HubConnection {
  /** The conflict strategy the hub serves the document under; known once joined. */
  strategy: StrategyName = "ot"
  /** Last-writer-wins documents: how far this writer's clock runs ahead of real time, in ms (for demonstrations). */
  clockSkew = 0
  /** Version-vector documents: counts this client's writes, across reloads of the local state. */
  private readonly vectors = new VersionVectorClock(this.clientId)
  private readonly plugins: readonly Plugin[]
  private sync: SyncClient | null = null
  /** The maps of the unconfirmed local steps: they lead from the confirmed document to `state.doc`. */
  private unconfirmedMaps: StepMap[] = []
  /** Set when the next join must replace the local state with the hub's snapshot, with the reason. */
  private reload: ConcordError | null = null
  /** The seq of the batch sent in this session and not yet refused. */
  private sentSeq: number | null = null
  /** Ops that arrived while joining. */
  private early: LeanOp[] = []
  private readonly remote = new RemotePresenceSet(this.clientId, schema)
  private readonly presence = new LocalPresence(
    () => (this.sync && this.joined ? { version: this.sync.version, unconfirmed: this.unconfirmedMaps } : null),
    update => {
      if (this.writable) this.socket.volatile.emit("presence", { docId: this.docId, ...update })
    }
  )
  private confirmTimer: ReturnType<typeof setTimeout> | null = null
  private retryDelay = firstRetryDelay
  private readonly detailed = new DetailedOpFeed(
    (before, limit) => this.fetchHistory(before, limit),
    on => {
      if (this.joined) this.socket.emit("detail", { docId: this.docId, on })
    }
  )

  constructor(options: DocConnectionOptions) {
    super(options)
    this.plugins = options.plugins ?? []
    this.socket.on("connect", () => void this.join())
    this.socket.on("disconnect", reason => this.disconnected(reason))
    this.socket.on("connect_error", error => this.connectFailed(error))
    this.socket.on("ops", message => this.opsArrived(message.docId, unpackOps(message.ops)))
    this.socket.on("presence", message => {
      if (message.docId != this.docId || !this.remote.set(message.state)) return
      this.refreshOthers()
      this.emit("presence")
    })
    this.socket.on("presence:leave", message => {
      if (message.docId != this.docId || !this.remote.delete(message.clientId)) return
      this.refreshOthers()
      this.emit("presence")
    })
    this.socket.connect()
  }

  /** The editor state: the confirmed document plus local edits. Null until the document has loaded. */
  get state(): EditorState | null {
    return this.sync ? this.sync.state : null
  }

  /** The hub version the local document is based on; null until loaded. */
  get version(): number | null {
    return this.sync ? this.sync.version : null
  }

  /** Local steps the hub has not acknowledged yet. */
  get unconfirmedCount(): number {
    return this.sync ? this.sync.unconfirmedCount : 0
  }

  /** Other people in the document, with their selections in local document positions. */
  get others(): readonly RemotePresence[] {
    return this.remote.list
  }

  /**
   * Call `listener` with the committed ops this connection applies, in version order, catch-up ops after a
   * join included (after a reload from a snapshot the next ops do not follow the earlier ones). Returns
   * the function that unsubscribes.
   */
  onOps(listener: (ops: readonly CommittedOp[]) => void): () => void {
    return this.detailed.add(listener)
  }

  /**
   * A page of the document's committed ops, newest first, with versions below `before` (the newest when
   * omitted), at most `limit` of them. Rejects with a ConcordError when not connected or when the hub refuses.
   */
  fetchHistory(before?: number, limit?: number): Promise<HistoryPage> {
    return this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("history", {
      docId: this.docId, ...(before != null ? { before } : {}), ...(limit != null ? { limit } : {})
    }))
  }

  /**
   * The document as it was at hub version `version`, as the hub sends it (a snapshot and the steps after
   * it: fetchedVersion in lib/history gives the document). Rejects with a ConcordError when not connected
   * or when the hub refuses.
   */
  fetchVersion(version: number): Promise<DocAtReply> {
    return this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("docAt", { docId: this.docId, version }))
  }

  /**
   * Who wrote what in the document at hub version `version`, over the `window` ops up to it. Rejects with
   * a ConcordError when not connected or when the hub refuses.
   */
  fetchAuthorship(version: number, window?: number): Promise<AuthorshipSpans> {
    return this.ask(() => this.socket.timeout(ackTimeout).emitWithAck("authorship", { docId: this.docId, version, ...(window != null ? { window } : {}) }))
  }

  /** Carry a position in the confirmed document (at `version`) into the local one, past the steps the hub has not confirmed. */
  mapConfirmed(pos: number, assoc = 1): number {
    for (const map of this.unconfirmedMaps) pos = map.map(pos, assoc)
    return pos
  }

  /**
   * Apply a local transaction and send its steps when the hub is ready for them; a transaction that
   * changes the document is ignored while the connection is not writable. Throws before the document has loaded.
   */
  dispatch(tr: Transaction): void {
    if (!this.sync) throw new RangeError("DocConnection.dispatch called before the document loaded")
    if (tr.docChanged && !this.writable) return
    this.track(this.sync.apply(tr))
    if (tr.docChanged) {
      this.refreshOthers()
      this.flush()
    }
    this.emit("state")
  }

  /**
   * Show others this selection (local document positions), or none. Sent at most every 50ms; it follows
   * later changes to the document until the next call.
   */
  setPresence(selection: SelectionJSON | null): void {
    this.presence.set(selection)
  }

  /** Change the name or colour others see; the connection rejoins to announce it. */
  setUser(user: Author): void {
    this.author = user
    if (this.socket.connected && !this.stopped) void this.join()
  }

  /** Leave the document and close the socket for good. */
  override close(): void {
    if (!this.closed) {
      this.presence.stop()
      if (this.confirmTimer) clearTimeout(this.confirmTimer)
      this.detailed.clear()
    }
    super.close()
  }

  protected override lostAccess(): void {
    this.presence.stop()
    if (this.confirmTimer) clearTimeout(this.confirmTimer)
    this.confirmTimer = null
    this.sentSeq = null
    super.lostAccess()
    this.remote.reset()
    this.refreshOthers()
    this.emit("presence")
    this.emit("state")
  }

  protected override join(): Promise<void> {
    // Nothing sent before this join counts as in flight any more: the join's reply says what committed.
    this.sentSeq = null
    return super.join()
  }

  protected joinRequest(): JoinRequest {
    const sync = this.reload ? null : this.sync
    return {
      docId: this.docId, clientId: this.clientId, secret: this.secret, token: this.token, version: sync ? sync.version : null, user: this.author,
      ...(sync && !sync.idle ? { hasUnconfirmed: true } : {}),
      ...(this.detailed.wanted ? { detail: true } : {})
    }
  }

  protected joinUnanswered(): void {
    this.restartSocket()
  }

  protected joinSucceeded(result: JoinResult, request: JoinRequest): void {
    const detail = request.detail ?? false
    this.strategy = result.strategy
    // A CRDT document is edited through a CrdtConnection: whoever listens hands over on this change.
    if (modeOf(result.strategy).carries == "updates") return this.emit("status")
    const snapshot = result.snapshot
    // The join asked for ops when there were local edits to rebase; a snapshot then means they cannot be kept.
    if (snapshot && this.sync && !this.reload && !this.sync.idle)
      this.reload = new ConcordError("ERR_VERSION_TOO_OLD", "the changes made while you were away could not be fetched")
    if (snapshot && (!this.sync || this.reload || this.sync.version < snapshot.version)) this.load(snapshot)
    if (!this.sync) throw new ConcordError("ERR_INTERNAL", "The hub sent no snapshot to start from")
    // Edits made while disconnected go out as a batch on the version they were written on, before the
    // ops that arrived meanwhile are applied: the hub transforms them, so the merge (moves, dropped
    // steps with their content) is recorded in the op log for everyone's history, not only rebased here.
    this.sync.nextBatch()
    const complete = this.receive([...result.ops, ...this.early])
    this.early = []
    // Far behind, the catch-up comes in pages: the next one before anything else.
    if (result.more) return void this.join()
    this.sync.resume(result.nextSeq)
    this.remote.reset(result.presence)
    this.joined = true
    // Someone started or stopped listening for whole ops while the join was on its way.
    if (this.detailed.wanted != detail) this.socket.emit("detail", { docId: this.docId, on: this.detailed.wanted })
    this.everOnline = true
    this.retryDelay = firstRetryDelay
    this.setStatus("online")
    this.refreshOthers()
    if (!complete) this.retryLater(() => this.rejoin())
    this.flush()
    this.presence.schedule()
    this.emit("state")
    this.emit("presence")
  }

  protected joinFailed(error: ConcordError): void {
    switch (error.code) {
      case "ERR_VERSION_FROM_FUTURE":
      case "ERR_VERSION_TOO_OLD":
        this.reload = error
        return void this.join()
    }
    if (retryable(error)) {
      this.setStatus(this.everOnline ? "reconnecting" : "connecting")
      this.retryLater(() => this.rejoin())
    } else this.fail(error)
  }

  /** Replace the local state with the hub's snapshot; unconfirmed edits are lost when reloading after an error. */
  private load(snapshot: Snapshot): void {
    const previous = this.sync
    const doc = Node.fromJSON(schema, snapshot.doc)
    const selection = previous ? Selection.near(doc.resolve(Math.min(previous.state.selection.head, doc.content.size))) : Selection.atStart(doc)
    const lost = this.reload && previous ? previous.unconfirmedCount : 0
    if (this.reload && previous) {
      const discarded = lost ? ` ${lost} unsent change${lost == 1 ? " was" : "s were"} discarded.` : ""
      this.report(this.reload.code, `Your latest changes could not be saved (${this.reload.message}). The document was reloaded.${discarded}`, lost)
    }
    this.sync = new SyncClient({
      clientId: this.clientId,
      version: snapshot.version,
      state: EditorState.create({ doc, selection, plugins: [...this.plugins] }),
      nextSeq: previous?.nextSeq,
      describeBatch: batchDescriber(this.strategy, () => Date.now() + this.clockSkew, this.vectors)
    })
    this.reload = null
    this.unconfirmedMaps = []
    this.remote.restart()
  }

  /** Receive committed ops; false when one was missing and the client must catch up. */
  private receive(ops: readonly LeanOp[]): boolean {
    const sync = this.sync!
    const from = sync.version
    const selection = sync.state.selection
    const result = sync.receive(ops)
    if (sync.version == from) return !result.gap
    this.remote.committed(ops, from, sync.version)
    this.track(result.transactions)
    const caret = keepCaretBeforeRemoteText(selection, result.transactions, sync.state)
    if (caret) {
      this.track(sync.apply(caret))
      this.presence.relocate({ anchor: sync.state.selection.anchor, head: sync.state.selection.head })
    }
    for (const op of ops) {
      if (op.version <= from || op.version > sync.version || op.clientId != this.clientId || !op.dropped?.length) continue
      const text = op.dropped.map(d => d.text).filter(Boolean).join(" ").slice(0, 120)
      this.report("EDITS_DROPPED", `Some of your edits clashed with someone else's and could not be applied${text ? `: "${text}"` : ""}.`, op.dropped.length)
    }
    if (result.dropped.length) this.reportLost(result.dropped)
    this.presence.confirmedMoved()
    const applied = ops.filter(op => op.version > from && op.version <= sync.version)
    this.detailed.deliver(applied)
    return !result.gap
  }

  /** Local edits that no longer fit after others' changes, and that the hub never saw. */
  private reportLost(dropped: readonly LocalDrop[]): void {
    const text = dropped.map(d => d.text).filter(Boolean).join(" ").slice(0, 120)
    this.report("EDITS_DROPPED", `Some of your edits clashed with someone else's and could not be kept${text ? `: "${text}"` : ""}.`, dropped.length)
  }

  private opsArrived(docId: string, ops: readonly LeanOp[]): void {
    if (docId != this.docId) return
    if (!this.joined || !this.sync) {
      this.early.push(...ops)
      return
    }
    try {
      if (!this.receive(ops)) void this.rejoin()
    } catch (error) {
      // Ops that cannot be applied here mean the local state went wrong: start over from the hub's.
      this.reloadAfter(ConcordError.from(error))
    }
    this.refreshOthers()
    this.flush()
    this.emit("state")
  }

  /** Send the batch in flight if this session has not sent it yet, else the next batch, if there is one. */
  private flush(): void {
    const sync = this.sync
    if (!sync || !this.joined || this.retryTimer || !this.writable) return
    const inflight = sync.inflightBatch
    if (inflight) {
      if (this.sentSeq != inflight.seq) void this.submit(inflight)
      return
    }
    const next = sync.nextBatch()
    if (next) void this.submit(next)
  }

  private async submit(batch: Batch): Promise<void> {
    const session = this.session
    const request = { docId: this.docId, clientId: this.clientId, ...batch }
    if (new TextEncoder().encode(JSON.stringify(request)).length > limits.maxMessageBytes)
      return this.reloadAfter(new ConcordError("ERR_MESSAGE_TOO_LARGE", "the change is too large to send"))
    this.sentSeq = batch.seq
    let reply
    try {
      reply = await this.socket.timeout(ackTimeout).emitWithAck("submit", request)
    } catch {
      if (session == this.session) this.restartSocket()
      return
    }
    if (session != this.session) return
    if (reply.ok) this.submitted(batch, reply.value)
    else this.submitFailed(toError(reply.error))
  }

  /** The batch is committed; its op confirms it when it arrives, and a client that misses the op catches up. */
  private submitted(batch: Batch, result: SubmitResult): void {
    this.retryDelay = firstRetryDelay
    if (this.sync?.inflightBatch?.seq != batch.seq) return
    if (this.confirmTimer) clearTimeout(this.confirmTimer)
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = null
      if (this.sync && this.sync.inflightBatch?.seq == batch.seq && this.sync.version < result.version) void this.rejoin()
    }, confirmWait)
  }

  private submitFailed(error: ConcordError): void {
    this.sentSeq = null
    switch (error.code) {
      case "ERR_SEQ_IN_FLIGHT":
      case "ERR_RATE_LIMITED":
        return this.retryLater(() => this.flush(), error.retryAfterMs)
      case "ERR_VERSION_TOO_OLD": {
        // Too far behind for the hub to transform: catch up, rebase here, and send again on the new base.
        const lost = this.sync?.requeue() ?? []
        if (lost.length) this.reportLost(lost)
        return void this.rejoin()
      }
      case "ERR_SEQ_GAP":
        // The join's answer renumbers the batch in flight.
        return void this.rejoin()
      case "ERR_NOT_JOINED":
      case "ERR_UNKNOWN_DOCUMENT":
      case "ERR_VERSION_FROM_FUTURE":
        return void this.rejoin()
    }
    if (error.kind == "internal") {
      this.report(error.code, `The server could not save your latest changes (${error.message}). Retrying…`, 0)
      this.retryLater(() => this.rejoin())
    } else this.reloadAfter(error)
  }

  /** The hub refused the local edits for good: start over from its document, dropping what it refused. */
  private reloadAfter(error: ConcordError): void {
    this.reload = error
    void this.rejoin()
  }

  private rejoin(): Promise<void> | void {
    if (this.socket.connected) return this.join()
  }


  /** Run `action` after the backoff delay, or after `atLeast` ms when the hub said so. */
  private retryLater(action: () => void, atLeast = 0): void {
    if (this.retryTimer) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      action()
    }, Math.max(this.retryDelay, atLeast))
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000)
  }

  private disconnected(reason: string): void {
    this.session++
    this.joined = false
    this.sentSeq = null
    this.early = []
    // Anything queued while the socket was down must not go out before the next join.
    this.socket.sendBuffer.length = 0
    this.remote.reset()
    this.refreshOthers()
    if (this.closed) return
    if (!this.stopped && this.status != "error")
      this.setStatus(this.wantOffline ? "offline" : this.everOnline ? "reconnecting" : "connecting")
    if (reason == "io server disconnect" && !this.wantOffline && !this.stopped) this.socket.connect()
    this.emit("presence")
  }

  private connectFailed(error: Error): void {
    if (this.closed) return
    // An inactive socket was refused by the hub's middleware and will not retry by itself.
    if (!this.socket.active) this.fail(new ConcordError("ERR_INTERNAL", error.message))
    else this.setStatus(this.everOnline ? "reconnecting" : "connecting")
  }

  private refreshOthers(): void {
    const sync = this.sync
    this.remote.place(sync ? sync.version : null, this.unconfirmedMaps, sync ? sync.state.doc.content.size : 0)
  }

  /**
   * Follow the steps applied to the state. The unconfirmed steps are always the last ones applied
   * (a rebase redoes them after the ops it applies), so their maps are the tail of that sequence.
   */
  private track(transactions: readonly Transaction[]): void {
    for (const tr of transactions) {
      this.unconfirmedMaps.push(...tr.mapping.maps)
      this.presence.follow(tr)
    }
    const keep = this.sync ? this.sync.unconfirmedCount : 0
    this.unconfirmedMaps.splice(0, Math.max(0, this.unconfirmedMaps.length - keep))
  }

}
