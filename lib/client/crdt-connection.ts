import { EditorState, type Plugin, type Transaction } from "prosemirror-state"
import * as Y from "yjs"
import { ySyncPlugin, ySyncPluginKey } from "y-prosemirror"
import { IndexeddbPersistence } from "y-indexeddb"
import { schema } from "../schema"
import { ConcordError } from "../protocol/errors"
import type { Author, JoinRequest, JoinResult, LeanOp, SubmitResult } from "../protocol/messages"
import { unpackOps } from "../protocol/packed-steps"
import { strategyName, type StrategyName } from "../protocol/strategies"
import { modeOf } from "../strategies/registry"
import { crdtDoc, crdtFragment, crdtSeed, decodeUpdate, emptyUpdate, encodeUpdate } from "../strategies/crdt/updates"
import { Backoff } from "./backoff"
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
}

/** The IndexedDB database y-indexeddb keeps CRDT document `docId` in. */
export function crdtStoreName(docId: string): string {
  return `concord-crdt/${docId}`
}

/** Set in the stored copy once the hub has answered a join on this device: the copy is the document's, not only the seed. */
const joinedKey = "joined"

/** Marks Yjs changes that came from the hub, so that they are not sent back. */
const fromHub = Symbol("concord-hub")

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
  /** CRDT documents show nobody's caret. */
  readonly others = [] as const
  private readonly plugins: readonly Plugin[]
  private seq = 0
  /** Local updates not yet sent, and the one in flight. */
  private pending: Uint8Array[] = []
  private inflight: Uint8Array | null = null
  /** The copy in IndexedDB, when kept on this device. */
  private readonly local: IndexeddbPersistence | null

  constructor(options: CrdtConnectionOptions) {
    // Every retry rejoins after a second: the join sends whatever the hub lacks.
    super(options, new Backoff(1_000, 1_000))
    this.plugins = options.plugins ?? []
    Y.applyUpdate(this.ydoc, crdtSeed(), fromHub)
    this.local = options.keepOnDevice ? new IndexeddbPersistence(crdtStoreName(this.docId), this.ydoc) : null
    if (this.local) void this.openLocal(this.local)
    this.ydoc.on("update", (update: Uint8Array, origin: unknown) => {
      // What the stored copy brings back is sent by the next join, which sends whatever the hub lacks.
      if (origin === fromHub || (this.local && origin === this.local) || !this.writable) return
      this.pending.push(update)
      this.flush()
      // Local updates are written while the editor view updates: tell listeners once that is done.
      queueMicrotask(() => this.emit("state"))
    })
    this.socket.on("connect", () => void this.join())
    this.socket.on("disconnect", () => this.disconnected())
    this.socket.on("ops", message => this.opsArrived(message.docId, unpackOps(message.ops)))
    this.start()
  }

  /** Local updates the hub has not acknowledged. */
  get unconfirmedCount(): number {
    return this.pending.length + (this.inflight ? 1 : 0)
  }

  /** y-indexeddb writes every update of the Yjs document as it happens, once the stored copy was read. */
  get keptOnDevice(): boolean {
    return !!this.local?.synced
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
    this.emit("state")
  }

  /** Carets are not shared on CRDT documents. */
  setPresence(): void {}

  /** Change the name or colour that goes with this client's updates. */
  setUser(user: Author): void {
    this.author = user
    if (this.socket.connected) void this.join()
  }

  /** Leave the document and close the socket for good. */
  override close(): void {
    if (!this.closed) this.ydoc.destroy()
    super.close()
  }

  protected joinRequest(): JoinRequest {
    return {
      docId: this.docId, clientId: this.clientId, secret: this.secret, token: this.token, version: null, user: this.author,
      stateVector: encodeUpdate(Y.encodeStateVector(this.ydoc))
    }
  }

  protected joinUnanswered(): void {
    this.retryLater()
  }

  protected joinSucceeded(result: JoinResult): void {
    if (modeOf(result.strategy).carries != "updates" || !result.crdt)
      return this.fail(new ConcordError("ERR_STRATEGY_MISMATCH", `The document is served under ${result.strategy}, not as a CRDT`))
    Y.applyUpdate(this.ydoc, decodeUpdate(result.crdt.update), fromHub)
    this.version = Math.max(this.version ?? 0, result.version)
    this.createState()
    void this.local?.set(joinedKey, 1)
    // Whatever the hub lacks (offline edits, updates lost in flight) goes out as one update.
    const missing = Y.encodeStateAsUpdate(this.ydoc, decodeUpdate(result.crdt.stateVector))
    this.pending = emptyUpdate(missing) || !this.writable ? [] : [missing]
    this.inflight = null
    // An update the hub never received took a seq with it: the hub says which comes next.
    this.seq = result.nextSeq - 1
    this.joined = true
    this.everOnline = true
    this.setStatus("online")
    this.flush()
    this.emit("state")
  }

  protected joinFailed(error: ConcordError): void {
    if (retryable(error)) this.retryLater()
    else this.fail(error)
  }

  private createState(): void {
    this.state ??= EditorState.create({ schema, doc: crdtDoc(this.ydoc), plugins: [ySyncPlugin(this.ydoc.getXmlFragment(crdtFragment)), ...this.plugins] })
  }

  /** Show the stored copy as soon as it is read, when this device joined the document before (and the hub has not answered yet). */
  private async openLocal(local: IndexeddbPersistence): Promise<void> {
    await local.whenSynced
    if (this.closed) return
    if (!this.state && (await local.get(joinedKey))) this.createState()
    this.emit("state")
  }

  private opsArrived(docId: string, ops: readonly LeanOp[]): void {
    if (docId != this.docId || !this.joined) return
    const updates = ops.filter(op => op.update && op.clientId != this.clientId).map(op => decodeUpdate(op.update!))
    if (updates.length) Y.applyUpdate(this.ydoc, Y.mergeUpdates(updates), fromHub)
    this.version = Math.max(this.version ?? 0, ...ops.map(op => op.version))
    this.emit("state")
  }

  /** Send the pending updates, merged into one, when nothing is in flight. */
  private flush(): void {
    if (!this.joined || this.inflight || this.pending.length == 0) return
    const update = this.pending.length == 1 ? this.pending[0] : Y.mergeUpdates(this.pending)
    this.pending = []
    this.inflight = update
    void this.send(update)
  }

  private async send(update: Uint8Array): Promise<void> {
    const session = this.session
    let reply
    try {
      reply = await this.socket.timeout(ackTimeout).emitWithAck("update", { docId: this.docId, clientId: this.clientId, seq: ++this.seq, update: encodeUpdate(update) })
    } catch {
      if (session == this.session) this.restartSocket()
      return
    }
    if (session != this.session) return
    if (reply.ok) return this.sent(reply.value)
    const error = toError(reply.error)
    // The next join sends whatever the hub still lacks.
    this.inflight = null
    if (retryable(error)) this.retryLater()
    else this.fail(error)
  }

  private sent(result: SubmitResult): void {
    this.inflight = null
    this.version = Math.max(this.version ?? 0, result.version)
    this.flush()
    this.emit("state")
  }

  private disconnected(): void {
    this.session++
    this.joined = false
    // What was in flight may or may not have arrived: the next join sends whatever the hub lacks.
    this.inflight = null
    this.socket.sendBuffer.length = 0
    if (this.closed) return
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
