import { EditorState, type Plugin, type Transaction } from "prosemirror-state"
import * as Y from "yjs"
import { yCursorPlugin, ySyncPlugin, ySyncPluginKey } from "y-prosemirror"
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from "y-protocols/awareness"
import { IndexeddbPersistence } from "y-indexeddb"
import { takeCrdtJournals, writeCrdtJournal } from "./leave-journal"
import { WrittenVector } from "./written-vector"
import { schema } from "../schema"
import { ConcordError } from "../protocol/errors"
import { restoredVersionOf } from "../ot/restores-meta"
import type { Author, AwarenessRelay, CommittedOp, JoinRequest, JoinResult, LeanOp, SubmitResult } from "../protocol/messages"
import { safeColor } from "../protocol/author-color"
import type { RemotePresence } from "./remote-presence"
import { unpackOps } from "../protocol/packed-steps"
import { strategyName, type StrategyName } from "../protocol/strategies"
import { modeOf } from "../strategies/registry"
import { bringsNews, crdtDoc, crdtFragment, crdtSeed, decodeUpdate, encodeUpdate } from "../strategies/crdt/updates"
import { caretStateProblem } from "../strategies/crdt/awareness-states"
import { crdtTitlePlugin } from "../strategies/crdt/title-plugin"
import { crdtUndoScope } from "../strategies/crdt/undo-scope"
import type { HistorySource } from "../history/history-source"
import { Backoff } from "./backoff"
import { CrdtHistorySource } from "./crdt-history-source"
import { DetailedOpFeed } from "./detailed-op-feed"
import { ackTimeout, HubConnection, retryable, toError, type HubConnectionOptions } from "./hub-connection"

/** Options for a CrdtConnection. */
export interface CrdtConnectionOptions extends HubConnectionOptions {
  /** ProseMirror plugins for the editor state; the Yjs binding (ySyncPlugin) is added to them. */
  plugins?: readonly Plugin[]
  /**
   * Keep the Yjs document in this browser's IndexedDB (y-indexeddb): a document joined here before
   * opens from it at once, without the hub, and edits made offline outlive the page.
   */
  keepOnDevice?: boolean
  /** Draws another person's caret (lib/editor's caretElement); without it, others' carets are not shown. */
  caret?: (name: string, color: string) => HTMLElement
}

/** An awareness update's origin when the hub relayed it: who sent it, as they joined. */
class Relayed {
  constructor(readonly from: AwarenessRelay["from"]) {}
}

/** Awareness states one relayed update may carry: a client sends its own, one at a time. */
const maxRelayedStates = 4

/** The IndexedDB database y-indexeddb keeps CRDT document `docId` in. */
export function crdtStoreName(docId: string): string {
  return `concord-crdt/${docId}`
}

/** Set in the stored copy once the hub has answered a join on this device: the copy is the document's, not only the seed. */
const joinedKey = "joined"

/**
 * Set in the stored copy while it holds edits the hub has not acknowledged and the connection is down:
 * the version this device had seen when it made the oldest of them, which the update that carries them
 * after a reload is based on. Written only then, so that typing online costs no write of it per edit.
 */
const unsentBaseKey = "unsent-base"

/**
 * The newest version this device had seen of the document, in the stored copy: what a page opened
 * offline bases its edits on, so that their op says what they merged past. Written at most every
 * seenEvery ms; a copy may hold a little more than it says (an older base explains a merge with an op
 * the edits had seen), which only the history's account of the merge reads.
 */
const seenKey = "seen-version"
const seenEvery = 1_000

/** What an awareness "update" event reports: the Yjs client ids whose states were added, updated or removed. */
interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

/** Marks Yjs changes that came from the hub, so that they are not sent back. */
const fromHub = Symbol("concord-hub")
/** Origin of the updates a leave journal brings back: this device's unsent work, to store and to send. */
const fromJournal = Symbol("concord-leave-journal")

/**
 * A local Yjs update the hub has not acknowledged; `restores` when a transaction marked as a restore
 * wrote it (see restoresMeta); `base`, the newest version this client had seen when its first edit was
 * made (UpdateRequest.baseVersion), when known.
 */
interface LocalUpdate {
  update: Uint8Array
  restores?: number
  base?: number
}

/** The base of edits sent as one update: the oldest of those known. */
function oldestBase(bases: readonly (number | undefined)[]): number | undefined {
  const known = bases.filter(base => base !== undefined)
  return known.length ? Math.min(...known) : undefined
}

/** `update` with `base` and `restores` when they are known. */
function localUpdate(update: Uint8Array, base: number | undefined, restores?: number): LocalUpdate {
  return { update, ...(base !== undefined ? { base } : {}), ...(restores !== undefined ? { restores } : {}) }
}

/**
 * One CRDT document kept in sync with the hub: a Yjs document bound to the ProseMirror editor by
 * y-prosemirror's ySyncPlugin. Local Yjs updates go to the hub one merged update at a time; the hub's
 * arrive as ops. On every (re)join the client receives what it misses (by Yjs state vector) and sends
 * everything the hub lacks, so edits made offline or lost in flight merge when it is back. On a view
 * link (or once its link is revoked) it sends nothing and the editor applies no local change.
 */
export class CrdtConnection extends HubConnection {
  readonly strategy: StrategyName = strategyName.enum.crdt
  readonly ydoc = new Y.Doc()
  /** The editor state; null until the hub's state arrived. */
  state: EditorState | null = null
  /** The hub version this client has caught up with (ops it saw); null until joined. */
  version: number | null = null
  /**
   * Carets and names (y-protocols awareness, drawn by y-prosemirror's cursor plugin), relayed by the hub
   * to the document's other members. Each state is shown under the name its sender joined with.
   */
  readonly awareness = new Awareness(this.ydoc)
  /** Who sent each awareness state (by Yjs client id), as the hub said: states from nobody known are not shown. */
  private readonly senders = new Map<number, AwarenessRelay["from"]>()
  private readonly plugins: readonly Plugin[]
  private readonly caret: CrdtConnectionOptions["caret"]
  private seq = 0
  /**
   * Local updates not yet sent, and the one sent last and not acknowledged, with its seq: kept across a
   * disconnection, when the hub's next seq at the join tells whether it arrived.
   */
  private pending: LocalUpdate[] = []
  private inflight: (LocalUpdate & { seq: number }) | null = null
  /** The version the transaction being shown restores, while the editor view writes it into Yjs (see dispatch). */
  private restoring: number | undefined
  /** True when the stored copy brought updates since the last join: the hub may lack them, and no kept update holds them. */
  private fromStore = false
  /** What the stored copy holds under unsentBaseKey, as read when it opened or written since. */
  private storedBase: number | undefined
  /** The newest version this client heard of that it did not write: an edit based before it did not see it. */
  private othersVersion = 0
  /** The copy in IndexedDB, when kept on this device. */
  private readonly local: IndexeddbPersistence | null
  /** How much of the Yjs document IndexedDB holds, once the stored copy was read: a page going away journals what came after it. */
  private written: WrittenVector | null = null
  /** The newest version written to the stored copy under seenKey, or read from it (-1: none). */
  private storedSeen = -1
  private seenTimer: ReturnType<typeof setTimeout> | null = null
  /** This page made a local edit: going away, it writes a leave journal. */
  private editedHere = false
  private readonly detailed = new DetailedOpFeed(
    (before, limit) => this.fetchHistory(before, limit),
    on => {
      if (this.joined) this.socket.emit("detail", { docId: this.docId, on })
    }
  )

  constructor(options: CrdtConnectionOptions) {
    // Every retry rejoins after a second: the join sends whatever the hub lacks.
    super(options, new Backoff(1_000, 1_000))
    this.plugins = options.plugins ?? []
    this.caret = options.caret
    Y.applyUpdate(this.ydoc, crdtSeed(), fromHub)
    this.local = options.keepOnDevice ? new IndexeddbPersistence(crdtStoreName(this.docId), this.ydoc) : null
    if (this.local) void this.openLocal(this.local)
    this.ydoc.on("update", (update: Uint8Array, origin: unknown) => {
      // What the stored copy brings back is sent by the next join, which sends whatever the hub lacks.
      if (this.local && origin === this.local) this.fromStore = true
      // y-indexeddb, listening since before this, has started writing the update.
      if (origin !== this.local) this.written?.updated()
      if (origin === fromHub || (this.local && origin === this.local) || !this.writable) return
      this.editedHere = true
      this.pending.push(localUpdate(update, this.version ?? undefined, this.restoring))
      if (!this.joined) this.storeBase()
      this.flush()
      // Local updates are written while the editor view updates: tell listeners once that is done.
      queueMicrotask(() => this.emit("state"))
    })
    this.socket.on("connect", () => void this.join())
    this.socket.on("disconnect", () => this.disconnected())
    this.socket.on("ops", message => this.opsArrived(message.docId, unpackOps(message.ops)))
    this.socket.on("awareness", message => this.awarenessArrived(message))
    this.socket.on("presence:leave", message => {
      if (message.docId != this.docId) return
      const gone = [...this.senders].filter(([, from]) => from.clientId == message.clientId).map(([id]) => id)
      if (gone.length) removeAwarenessStates(this.awareness, gone, "hub")
    })
    this.awareness.on("update", ({ added, updated, removed }: AwarenessChanges, origin: unknown) => this.awarenessChanged(added, updated, removed, origin))
    this.awareness.setLocalStateField("user", this.author)
    this.start()
  }

  /** The other people with the document open here, as their carets say (one entry per person). */
  get others(): readonly RemotePresence[] {
    const people = new Map<string, RemotePresence>()
    for (const id of this.awareness.getStates().keys()) {
      const from = id != this.ydoc.clientID ? this.senders.get(id) : undefined
      if (from && from.clientId != this.clientId) people.set(from.clientId, { clientId: from.clientId, user: from.user, selection: null })
    }
    return [...people.values()]
  }

  /** Local updates the hub has not acknowledged. */
  get unconfirmedCount(): number {
    return this.pending.length + (this.inflight ? 1 : 0)
  }

  /** y-indexeddb writes every update of the Yjs document as it happens, once the stored copy was read. */
  get keptOnDevice(): boolean {
    return !!this.local?.synced
  }

  /** Nothing waits: y-indexeddb writes every update as it happens. */
  flushToDevice(): Promise<void> {
    return Promise.resolve()
  }

  /**
   * The page is going away: y-indexeddb's writes of the last updates may go with it, so what changed
   * since the stored copy was read goes to a leave journal at once, for the next page to merge.
   */
  override leaving(): void {
    this.writeSeen()
    if (this.local && this.editedHere) writeCrdtJournal(this.docId, this.ydoc.clientID, encodeUpdate(Y.encodeStateAsUpdate(this.ydoc, this.written?.vector)))
    super.leaving()
  }

  /** The updates not acknowledged yet, when the Yjs document is kept on this device. */
  get storedCount(): number {
    return this.keptOnDevice ? this.unconfirmedCount : 0
  }

  /** The document's text as ProseMirror holds it in the Yjs document (what converges). */
  get doc() {
    return crdtDoc(this.ydoc)
  }

  /**
   * Apply a transaction of the editor view; ySyncPlugin turns its changes into Yjs updates. While the
   * connection is not writable, a local transaction that changes the document is ignored (the Yjs
   * binding's own, which carry others' updates into the editor, still apply).
   */
  dispatch(tr: Transaction): void {
    if (!this.state) throw new RangeError("CrdtConnection.dispatch called before the document loaded")
    if (tr.docChanged && !this.writable && !(tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin) return
    this.state = this.state.apply(tr)
    // ySyncPlugin writes the change into Yjs when the editor view takes the new state, which it does
    // while hearing of it: the update written meanwhile is the restore's, and goes out on its own.
    this.restoring = restoredVersionOf(tr)
    try {
      this.emit("state")
    } finally {
      this.restoring = undefined
    }
  }

  /**
   * Call `listener` with the committed ops this connection receives, whole (author, time, Yjs update),
   * in version order. Ops missed while away are not among them: a join brings the Yjs state, not ops.
   */
  onOps(listener: (ops: readonly CommittedOp[]) => void): () => void {
    return this.detailed.add(listener)
  }

  /** The history panel reads this document's ops through a replay of their Yjs updates. */
  historySource(): HistorySource {
    return new CrdtHistorySource(this)
  }

  /** The caret travels by awareness, which y-prosemirror's cursor plugin keeps up to date. */
  setPresence(): void {}

  /** Change the name or colour that goes with this client's updates. */
  setUser(user: Author): void {
    this.author = user
    this.awareness.setLocalStateField("user", user)
    if (this.socket.connected) void this.join()
  }

  /** Leave the document and close the socket for good. */
  override close(): void {
    if (!this.closed) {
      // Others remove this caret at once rather than when it times out.
      removeAwarenessStates(this.awareness, [this.ydoc.clientID], "local")
      this.detailed.clear()
      this.writeSeen()
      this.awareness.destroy()
      this.ydoc.destroy()
    }
    super.close()
  }

  protected joinRequest(): JoinRequest {
    return {
      docId: this.docId, clientId: this.clientId, secret: this.secret, token: this.token, version: null, user: this.author,
      stateVector: encodeUpdate(Y.encodeStateVector(this.ydoc)),
      ...(this.detailed.wanted ? { detail: true } : {})
    }
  }

  protected joinUnanswered(): void {
    this.retryLater()
  }

  protected joinSucceeded(result: JoinResult, request: JoinRequest): void {
    if (modeOf(result.strategy).carries != "updates" || !result.crdt)
      return this.fail(new ConcordError("ERR_STRATEGY_MISMATCH", `The document is served under ${result.strategy}, not as a CRDT`))
    const hubUpdate = decodeUpdate(result.crdt.update)
    Y.applyUpdate(this.ydoc, hubUpdate, fromHub)
    this.version = Math.max(this.version ?? 0, result.version)
    this.noteSeen()
    // Whatever the join brought may be anyone's.
    this.othersVersion = Math.max(this.othersVersion, result.version)
    this.createState()
    void this.local?.set(joinedKey, 1)
    // The update in flight arrived when the hub's next seq is past it.
    const unsent = this.inflight && this.inflight.seq >= result.nextSeq ? [this.inflight, ...this.pending] : this.pending
    this.pending = this.writable ? this.toResend(unsent, decodeUpdate(result.crdt.stateVector), hubUpdate) : []
    this.fromStore = false
    this.inflight = null
    this.forgetStoredBase()
    // An update the hub never received took a seq with it: the hub says which comes next.
    this.seq = result.nextSeq - 1
    this.joined = true
    // Someone started or stopped listening for whole ops while the join was on its way.
    if (this.detailed.wanted != (request.detail ?? false)) this.socket.emit("detail", { docId: this.docId, on: this.detailed.wanted })
    this.everOnline = true
    this.setStatus("online")
    this.flush()
    // Those already here learn of this caret, and answer with theirs (see awarenessChanged).
    this.sendAwareness([this.ydoc.clientID])
    this.emit("state")
  }

  protected joinFailed(error: ConcordError): void {
    if (retryable(error)) this.retryLater()
    else this.fail(error)
  }

  private createState(): void {
    const caret = this.caret
    const cursors = caret ? [yCursorPlugin(this.awareness, {
      // Drawn under the name and colour the sender joined with, not whatever its state says.
      // The hub relays no state a caret cannot be drawn from; one that came another way is not drawn either.
      awarenessStateFilter: (own: number, id: number, state: unknown) => own != id && this.senders.has(id) && caretStateProblem(state) == null,
      cursorBuilder: (_user: unknown, id: number) => {
        const { user } = this.senders.get(id)!
        return caret(user.name, safeColor(user.color))
      },
      selectionBuilder: (_user: unknown, id: number) => ({ class: "remote-selection", style: `background-color: ${safeColor(this.senders.get(id)!.user.color)}33` })
    })] : []
    this.state ??= EditorState.create({ schema, doc: crdtDoc(this.ydoc), plugins: [ySyncPlugin(this.ydoc.getXmlFragment(crdtFragment)), crdtTitlePlugin(this.ydoc), crdtUndoScope(this.ydoc), ...cursors, ...this.plugins] })
  }

  /** A relayed awareness update: applied with its sender as origin, unless it is malformed or holds more than one client's states. */
  private awarenessArrived(message: AwarenessRelay): void {
    if (message.docId != this.docId || !this.joined) return
    try {
      const update = decodeUpdate(message.update)
      applyAwarenessUpdate(this.awareness, update, new Relayed(message.from))
    } catch {
      // A malformed update changes nothing here.
    }
  }

  /**
   * Follow the awareness: this client's own changes go to the hub; others' states are kept with who
   * sent them, and a newcomer gets this client's state, since the hub keeps none for it to read.
   */
  private awarenessChanged(added: number[], updated: number[], removed: number[], origin: unknown): void {
    if (origin instanceof Relayed) {
      const touched = [...added, ...updated]
      // A client sends its own state only: an update that claims others' is dropped whole.
      if (touched.length > maxRelayedStates) return removeAwarenessStates(this.awareness, touched, "hub")
      for (const id of touched) this.senders.set(id, origin.from)
      for (const id of removed) this.senders.delete(id)
      if (added.length) this.sendAwareness([this.ydoc.clientID])
    } else if (origin == "local") {
      // This client's own caret, on every move: the others hear of it, its listeners have nothing new.
      return this.sendAwareness([...added, ...updated, ...removed])
    } else {
      for (const id of removed) this.senders.delete(id)
    }
    this.emit("presence")
  }

  private sendAwareness(ids: number[]): void {
    if (!this.joined || !this.writable || !ids.length) return
    this.socket.emit("awareness", { docId: this.docId, update: encodeUpdate(encodeAwarenessUpdate(this.awareness, ids)) })
  }

  /** Show the stored copy as soon as it is read, when this device joined the document before (and the hub has not answered yet). */
  private async openLocal(local: IndexeddbPersistence): Promise<void> {
    await local.whenSynced
    if (this.closed) return
    // What pages that went away right after an edit kept in their leave journals: y-indexeddb stores it
    // as it merges, and it goes to the hub as this page's unsent work.
    // The journals' updates count as written once y-indexeddb's writes of them complete: a page that
    // goes before that journals them again.
    this.written = new WrittenVector(local, this.ydoc, Y.encodeStateVector(this.ydoc))
    takeCrdtJournals(this.docId, update => Y.applyUpdate(this.ydoc, decodeUpdate(update), fromJournal))
    const base: unknown = await local.get(unsentBaseKey)
    if (Number.isInteger(base) && (base as number) >= 0) this.storedBase = base as number
    // Opened offline, the page's edits are based on what the copy had seen, until the hub answers.
    const seen: unknown = await local.get(seenKey)
    if (Number.isInteger(seen) && (seen as number) >= 0) {
      this.storedSeen = Math.max(this.storedSeen, seen as number)
      if (this.version === null) this.version = seen as number
    }
    if (this.closed) return
    if (!this.state && (await local.get(joinedKey))) this.createState()
    // Joined before the stored copy was read, that join could not send what the copy brought back: join again.
    if (this.joined && this.fromStore && this.writable) void this.join()
    this.emit("state")
  }

  private opsArrived(docId: string, ops: readonly LeanOp[]): void {
    if (docId != this.docId || !this.joined) return
    const others = ops.filter(op => op.clientId != this.clientId)
    const updates = others.filter(op => op.update).map(op => decodeUpdate(op.update!))
    if (updates.length) Y.applyUpdate(this.ydoc, Y.mergeUpdates(updates), fromHub)
    for (const op of others) this.othersVersion = Math.max(this.othersVersion, op.version)
    this.version = Math.max(this.version ?? 0, ...ops.map(op => op.version))
    this.noteSeen()
    // Before the version's listeners: a history that sees the version move without its ops fetches them.
    this.detailed.deliver(ops)
    this.emit("state")
  }

  /**
   * What to send after a join, given the hub's state vector and its answer (`hubUpdate`, which holds the
   * hub's whole record of deletions). Whatever the hub lacks (offline edits,
   * updates lost in flight) goes out as one update; but when a restore is among the unsent updates, they
   * go as they were kept, so that the restore keeps its mark, followed by what the hub lacks that none of
   * them holds when the stored copy brought any (another session's edits). Nothing goes when the hub
   * lacks nothing: Yjs puts its whole record of deletions in every update, news or not.
   */
  private toResend(unsent: readonly LocalUpdate[], hubState: Uint8Array, hubUpdate: Uint8Array): LocalUpdate[] {
    const stored = this.fromStore ? this.storedBase : undefined
    if (!unsent.some(u => u.restores !== undefined)) {
      const missing = Y.encodeStateAsUpdate(this.ydoc, hubState)
      return bringsNews(missing, hubUpdate) ? [localUpdate(missing, oldestBase([...unsent.map(u => u.base), stored]))] : []
    }
    if (!this.fromStore) return [...unsent]
    // Every update of this session's Yjs client that the hub lacks is among the unsent ones.
    const known = Y.decodeStateVector(hubState)
    known.set(this.ydoc.clientID, Y.getState(this.ydoc.store, this.ydoc.clientID))
    const rest = Y.encodeStateAsUpdate(this.ydoc, Y.encodeStateVector(known))
    return bringsNews(rest, hubUpdate) ? [...unsent, localUpdate(rest, stored)] : [...unsent]
  }

  /**
   * When nothing is in flight, send the pending updates up to the next restore merged into one, or the
   * restore alone (SubmitRequest's rule: a restore is an update of its own, marked with `restores`).
   */
  private flush(): void {
    if (!this.joined || this.inflight || this.pending.length == 0) return
    const [first] = this.pending
    const next = this.pending.findIndex(u => u.restores !== undefined)
    const taken = this.pending.splice(0, first.restores !== undefined ? 1 : next < 0 ? this.pending.length : next)
    const update = taken.length == 1 ? taken[0].update : Y.mergeUpdates(taken.map(u => u.update))
    this.inflight = { ...localUpdate(update, oldestBase(taken.map(u => u.base)), first.restores), seq: ++this.seq }
    void this.send(this.inflight)
  }

  private async send(sent: LocalUpdate & { seq: number }): Promise<void> {
    const session = this.session
    const request = {
      docId: this.docId, clientId: this.clientId, seq: sent.seq, update: encodeUpdate(sent.update),
      ...(sent.restores !== undefined ? { restores: sent.restores } : {}), ...(sent.base !== undefined ? { baseVersion: sent.base } : {})
    }
    let reply
    try {
      reply = await this.socket.timeout(ackTimeout).emitWithAck("update", request)
    } catch {
      if (session == this.session) this.restartSocket()
      return
    }
    if (session != this.session) return
    if (reply.ok) return this.sent(reply.value)
    const error = toError(reply.error)
    // Not committed: the next join sends it again, with whatever else the hub lacks.
    this.pending.unshift(this.inflight!)
    this.inflight = null
    if (error.code == "ERR_VERSION_FROM_FUTURE") {
      // A base the hub has not reached (a stored copy from before the hub's store was replaced, say). It
      // only explains the merge: the edits go again without one.
      for (const u of this.pending) delete u.base
      this.forgetStoredBase(true)
      this.retryLater()
    } else if (retryable(error)) this.retryLater()
    else this.fail(error)
  }

  private sent(result: SubmitResult): void {
    this.inflight = null
    this.version = Math.max(this.version ?? 0, result.version)
    this.noteSeen()
    // Edits made while this one was on its way saw it: unless someone else's op came in between, they are based on it.
    for (const u of this.pending) if (u.base !== undefined && u.base >= this.othersVersion) u.base = result.version
    this.flush()
    this.forgetStoredBase()
    this.emit("state")
  }

  /**
   * Keep the base of the unacknowledged edits in the stored copy, for a reload before they go out; unless
   * it holds one already, or brought back edits whose base it holds (or does not know).
   */
  private storeBase(): void {
    if (!this.local || this.storedBase !== undefined || this.fromStore) return
    const base = oldestBase([this.inflight?.base, ...this.pending.map(u => u.base)])
    if (base === undefined) return
    this.storedBase = base
    void this.local.set(unsentBaseKey, base)
  }

  /** Write the version seen to the stored copy (seenKey) soon, unless it holds it already. */
  private noteSeen(): void {
    if (!this.local || this.seenTimer || this.closed) return
    this.seenTimer = setTimeout(() => this.writeSeen(), seenEvery)
  }

  /** Write the version seen to the stored copy now, unless it holds it already. */
  private writeSeen(): void {
    if (this.seenTimer) clearTimeout(this.seenTimer)
    this.seenTimer = null
    if (!this.local || this.version === null || this.version <= this.storedSeen) return
    this.storedSeen = this.version
    void this.local.set(seenKey, this.version)
  }

  /** Once the hub has every edit (or the base is refused, `anyway`), the stored copy holds no base. */
  private forgetStoredBase(anyway = false): void {
    if ((this.unconfirmedCount > 0 && !anyway) || this.storedBase === undefined) return
    this.storedBase = undefined
    void this.local?.del(unsentBaseKey)
  }

  private disconnected(): void {
    this.session++
    this.joined = false
    // What was in flight may or may not have arrived: the next join tells (see joinSucceeded).
    this.socket.sendBuffer.length = 0
    if (this.closed) return
    this.storeBase()
    if (!this.stopped && this.status != "error") this.setStatus(this.wantOffline ? "offline" : "reconnecting")
  }

  private retryLater(): void {
    if (this.backoff.waiting || this.stopped) return
    this.setStatus(this.everOnline ? "reconnecting" : "connecting")
    this.backoff.schedule(() => {
      if (this.socket.connected) void this.join()
    })
  }
}
