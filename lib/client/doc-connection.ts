import { Node } from "prosemirror-model"
import { EditorState, Selection, type Plugin, type Transaction } from "prosemirror-state"
import type { StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { SyncClient } from "../ot/sync-client"
import { ConcordError } from "../protocol/errors"
import type { ConnectionChange } from "./connection-status"
import { unpackOps } from "../protocol/packed-steps"
import type {
  Author, AuthorshipSpans, CommittedOp, JoinRequest, JoinResult, LeanOp, SelectionJSON, Snapshot, StrategyName
} from "../protocol/messages"
import { modeOf } from "../strategies/registry"
import { WriterClocks } from "../strategies/writer-clocks"
import { Backoff } from "./backoff"
import { BatchSubmitter } from "./batch-submitter"
import { EditLossReports } from "./edit-loss-reports"
import { keepCaretBeforeRemoteText } from "./caret-stickiness"
import { DetailedOpFeed } from "./detailed-op-feed"
import type { HistorySource } from "../history/history-source"
import { LocalPresence } from "./local-presence"
import { RemotePresenceSet, type RemotePresence } from "./remote-presence"
import { ackTimeout, HubConnection, retryable, type HubConnectionOptions } from "./hub-connection"
import { LeaderPersistence, type WriteTimings } from "./leader-persistence"
import type { DeviceWriter } from "./device-writer"
import type { LocalStore, StoredLeader } from "./local-store"
import { oversizedStep } from "./oversized-change"
import { chunkedTransaction } from "../ot/chunked-change"

/** Options for a DocConnection. */
export interface DocConnectionOptions extends HubConnectionOptions {
  /** ProseMirror plugins for the editor state. */
  plugins?: readonly Plugin[]
  /**
   * Keep this leader on the device (`identity` is then the stored leader's when `stored` is given): the
   * stored leader to continue as, shown at once before the hub answers, or else a copy another tab
   * keeps to start from.
   */
  device?: {
    store: LocalStore
    stored?: StoredLeader | null
    seed?: StoredLeader | null
    /** Let go of this page's claim on the leader (see LeaderClaims): called when the connection closes. */
    release?: () => void
    /** Writes to the device (default: on this thread, to `store`). */
    writer?: DeviceWriter
    /** Told how long each write to the device took (see LeaderPersistence.onWrite). */
    onWrite?: (timings: WriteTimings) => void
  }
}

/**
 * One document kept in sync with the hub over Socket.IO: owns the socket and a SyncClient, applies local
 * transactions at once, sends them one batch at a time, rebases over everyone's committed ops, and tracks
 * where other people's selections are. Survives disconnects: on reconnect it rejoins from its version,
 * catches up and resends its batch in flight unchanged, so the hub applies every edit exactly once.
 *
 * It reads as join -> receive -> send: `joinSucceeded` takes in the hub's answer, `receive` applies
 * committed ops, and a BatchSubmitter sends the batches and settles the hub's refusals. What the user
 * is told about edits that did not make it is EditLossReports' part; what a strategy stamps on the
 * batches (clock, version vectors), WriterClocks'.
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
  /** What this writer stamps its batches with, across reloads of the local state (the clock skew of last-writer-wins documents, for demonstrations). */
  readonly clocks = new WriterClocks(this.clientId)
  private readonly plugins: readonly Plugin[]
  private sync: SyncClient | null = null
  /** Writes this leader to the device, when kept there. */
  private persistence: LeaderPersistence | null = null
  private releaseClaim: (() => void) | null = null
  /** The maps of the unconfirmed local steps: they lead from the confirmed document to `state.doc`. */
  private unconfirmedMaps: StepMap[] = []
  /** Set when the next join must replace the local state with the hub's snapshot, with the reason. */
  private reload: ConcordError | null = null
  /** Ops that arrived while joining. */
  private early: LeanOp[] = []
  private readonly remote = new RemotePresenceSet(this.clientId, schema)
  private readonly presence = new LocalPresence(
    () => (this.sync && this.joined ? { version: this.sync.version, unconfirmed: this.unconfirmedMaps } : null),
    update => {
      if (this.writable) this.socket.volatile.emit("presence", { docId: this.docId, ...update })
    }
  )
  private readonly reports = new EditLossReports(this.clientId, (code, message, lost, text) => this.report(code, message, lost, text))
  private readonly submitter = new BatchSubmitter(this.docId, this.clientId, {
    sync: () => this.sync,
    canSend: () => this.joined && this.writable,
    session: () => this.session,
    send: request => this.socket.timeout(ackTimeout).emitWithAck("submit", request),
    recorded: seq => !this.persistence || this.stopped || this.persistence.recorded(seq),
    record: () => (this.sync && this.persistence && !this.stopped ? this.persistence.record(this.sync, this.strategy) : Promise.resolve()),
    restartSocket: () => this.restartSocket(),
    rejoin: () => void this.rejoin(),
    reloadAfter: error => this.reloadAfter(error)
  }, this.backoff, this.reports)
  private readonly detailed = new DetailedOpFeed(
    (before, limit) => this.fetchHistory(before, limit),
    on => {
      if (this.joined) this.socket.emit("detail", { docId: this.docId, on })
    }
  )

  constructor(options: DocConnectionOptions) {
    super(options, new Backoff(500, 10_000))
    this.plugins = options.plugins ?? []
    if (options.device) this.openOnDevice(options.device)
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
    this.start()
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

  /** Of the local steps the hub has not acknowledged, how many are stored on this device. */
  get storedCount(): number {
    return this.persistence ? Math.min(this.persistence.storedUnsent, this.unconfirmedCount) : 0
  }

  /** True when the document and every local step are stored on this device as shown. */
  get keptOnDevice(): boolean {
    return !!this.persistence && this.persistence.saved
  }

  /** Start writing what is not on the device yet, now rather than at the next frame (the page is going away). */
  flushToDevice(): Promise<void> {
    return this.persistence ? this.persistence.flush() : Promise.resolve()
  }

  /** The page is going away: what IndexedDB does not hold yet goes to the leave journal at once, then the write starts. */
  override leaving(): void {
    this.persist()
    this.persistence?.leaving()
    super.leaving()
  }

  /**
   * Forget this leader on the device: its stored copy and its work (the rest of the page goes on
   * without storing). Resolves once the store has let go of it.
   */
  async forgetOnDevice(): Promise<void> {
    const persistence = this.persistence
    this.persistence = null
    await persistence?.forget()
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

  /** The history panel reads this connection's ops as they are: they carry ProseMirror steps. */
  historySource(): HistorySource {
    return this
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
   * changes the document is ignored while the connection is not writable, a long paste or deletion is
   * applied in chunks, and one holding a step too large for a message to the hub even so (a paragraph
   * of a million characters) is refused with an issue saying so. Throws before the document has loaded.
   */
  dispatch(tr: Transaction): void {
    if (!this.sync) throw new RangeError("DocConnection.dispatch called before the document loaded")
    if (tr.docChanged && !this.writable) return
    // A long paste or deletion goes in chunks that each fit a message (chunkedTransaction); a change no
    // message to the hub can carry even so is refused before it shows, rather than shown and then taken back.
    const chunked = chunkedTransaction(this.sync.state, tr)
    const oversized = chunked.docChanged ? oversizedStep(chunked) : null
    if (oversized != null) return this.reports.tooLarge(oversized)
    this.track(this.sync.apply(chunked))
    if (tr.docChanged) {
      this.refreshOthers()
      this.submitter.flush()
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
      this.submitter.stop()
      this.detailed.clear()
      void this.persistence?.close()
      this.releaseClaim?.()
    }
    super.close()
  }

  protected override lostAccess(): void {
    this.presence.stop()
    this.submitter.stop()
    super.lostAccess()
    this.remote.reset()
    this.refreshOthers()
    this.emit("presence")
    this.emit("state")
  }

  protected override join(): Promise<void> {
    this.submitter.newSession()
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
    const arrived = [...result.ops, ...this.early]
    this.early = []
    // When the hub can transform that batch, it goes before the ops are applied here: the hub transforms
    // it while this tab rebases it over them, instead of after.
    if (!result.more && this.writable && this.sync.inflightFitsAfter(arrived)) {
      this.sync.resume(result.nextSeq)
      this.joined = true
      this.submitter.flush()
    }
    const complete = this.receive(arrived)
    // Far behind, the catch-up comes in pages: the next one before anything else.
    if (result.more) return void this.join()
    // Too far behind for the hub to transform (a long time offline while others wrote): the batch, rebased
    // here over what arrived, goes out on the version caught up to instead of being refused first.
    if (this.sync.inflightTooOld) this.reports.droppedLocally(this.sync.requeue())
    this.sync.resume(result.nextSeq)
    this.remote.reset(result.presence)
    this.joined = true
    // Someone started or stopped listening for whole ops while the join was on its way.
    if (this.detailed.wanted != detail) this.socket.emit("detail", { docId: this.docId, on: this.detailed.wanted })
    this.everOnline = true
    this.backoff.reset()
    this.setStatus("online")
    this.refreshOthers()
    if (!complete) this.backoff.schedule(() => this.rejoin())
    this.submitter.flush()
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
      this.backoff.schedule(() => this.rejoin())
    } else this.fail(error)
  }

  /** Every change of the state is written to the device (when kept there) before listeners hear of it. */
  protected override emit(change: ConnectionChange): void {
    if (change == "state") this.persist()
    super.emit(change)
  }

  /** Have the device write the sync client soon, if it changed since (see LeaderPersistence.changed). */
  private persist(): void {
    if (this.sync && this.persistence && !this.stopped) this.persistence.changed(this.sync, this.strategy)
  }

  /** A sync client for this connection, starting at the confirmed `doc` at `version`. */
  private startSync(doc: Node, version: number, selection?: Selection, nextSeq?: number): SyncClient {
    return new SyncClient({
      clientId: this.clientId,
      version,
      state: EditorState.create({ doc, selection, plugins: [...this.plugins] }),
      nextSeq,
      describeBatch: this.clocks.describer(this.strategy)
    })
  }

  /** Keep this leader on the device, starting from what is stored there: its own work, or another tab's copy. */
  private openOnDevice(device: NonNullable<DocConnectionOptions["device"]>): void {
    this.persistence = new LeaderPersistence(device, { docId: this.docId, clientId: this.clientId, secret: this.secret },
      () => super.emit("state"),
      error => this.report(error.code, `Your latest changes are not stored on this device (${error.message}); they are kept while this page stays open.`, 0))
    this.persistence.onWrite = device.onWrite ?? null
    this.releaseClaim = device.release ?? null
    const from = device.stored ?? device.seed
    if (!from) return
    this.strategy = from.record.strategy
    this.sync = this.startSync(from.doc, from.record.version)
    if (!device.stored) return
    try {
      this.track(this.sync.resumeWork(device.stored.record.work))
      this.persistence.restored(device.stored.record, device.stored.record.work.inflight?.batch.seq ?? null)
    } catch (error) {
      // Stored work that does not fit its stored document: say so, rather than show something else.
      const coded = ConcordError.from(error)
      this.report(coded.code, `The changes stored on this device could not be restored (${coded.message}).`, device.stored.record.unsent)
    }
  }

  /** Replace the local state with the hub's snapshot; unconfirmed edits are lost when reloading after an error. */
  private load(snapshot: Snapshot): void {
    const previous = this.sync
    const doc = Node.fromJSON(schema, snapshot.doc)
    const selection = previous ? Selection.near(doc.resolve(Math.min(previous.state.selection.head, doc.content.size))) : Selection.atStart(doc)
    if (this.reload && previous) this.reports.reloaded(this.reload, previous.unconfirmedCount, previous.unconfirmedText())
    this.sync = this.startSync(doc, snapshot.version, selection, previous?.nextSeq)
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
    this.reports.droppedByHub(ops, from, sync.version)
    this.reports.droppedLocally(result.dropped)
    this.presence.confirmedMoved()
    const applied = ops.filter(op => op.version > from && op.version <= sync.version)
    this.persistence?.confirmed(applied)
    this.detailed.deliver(applied)
    return !result.gap
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
    this.submitter.flush()
    this.emit("state")
  }

  /** The hub refused the local edits for good: start over from its document, dropping what it refused. */
  private reloadAfter(error: ConcordError): void {
    this.reload = error
    void this.rejoin()
  }

  private rejoin(): Promise<void> | void {
    if (this.socket.connected) return this.join()
  }

  private disconnected(reason: string): void {
    this.session++
    this.joined = false
    this.submitter.newSession()
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
