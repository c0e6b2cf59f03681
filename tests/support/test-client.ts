import { io, type Socket } from "socket.io-client"
import { EditorState, Plugin, type Transaction } from "prosemirror-state"
import { schema, appendBlockIds } from "../../lib/schema"
import { SyncClient } from "../../lib/ot"
import { WriterClocks } from "../../lib/strategies/writer-clocks"
import type { ClientToServerEvents, CommittedOp, ErrorJSON, HistoryPage, JoinResult, LeanOp, PresenceState, Reply, ServerToClientEvents, StrategyName, SubmitResult } from "../../lib/protocol"
import { errorCodes, unpackOps } from "../../lib/protocol"
import { createDocument, knownLinks } from "./link-registry"

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** Resolve once `condition` holds, checking after every event the client sees; reject after `timeout` ms. */
export function until(check: () => boolean, subscribe: (wake: () => void) => () => void, timeout = 20_000, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve()
    const timer = setTimeout(() => { unsubscribe(); reject(new Error(`timed out waiting for ${what}`)) }, timeout)
    const unsubscribe = subscribe(() => {
      if (check()) { clearTimeout(timer); unsubscribe(); resolve() }
    })
  })
}

/**
 * A headless Concord client for integration tests: a socket.io-client socket driving a SyncClient,
 * with one batch in flight, catch-up and resend on reconnect.
 */
export class TestClient {
  readonly socket: ClientSocket
  sync: SyncClient | null = null
  readonly errors: ErrorJSON[] = []
  readonly presence = new Map<string, PresenceState>()
  readonly acks: SubmitResult[] = []
  /** What this writer stamps its batches with (the clock skew of last-writer-wins documents). */
  readonly clocks: WriterClocks
  strategy: StrategyName = "ot"
  /** Editor plugins the client's state carries besides block ids (prosemirror-history, say); set before joining. */
  plugins: Plugin[] = []
  /** The link token the client joins with: the owner's for the client that created the document, else the edit link's unless set. */
  token: string | null = null
  /** Called when a batch is submitted, and with every op received: hooks for benchmarks. */
  onSubmit: (seq: number) => void = () => {}
  onOps: (ops: readonly { clientId: string; seq: number; version: number }[]) => void = () => {}
  private listeners = new Set<() => void>()
  private sending = false
  /** Joins tried again in a row after the hub's internal errors. */
  private joinRetries = 0
  /** Bumped by every join: see join. */
  private session = 0
  /** Set while a join waits for its reply; ops broadcast meanwhile wait in `early` (they may overtake the reply). */
  private joining = false
  private early: LeanOp[] = []
  /** A batch refused for the budget waits here to go again; a join or disconnect cancels it. */
  private retryTimer: ReturnType<typeof setTimeout> | undefined

  /**
   * `secret` binds `clientId` at the hub; by default one derived from the id, so that a test may stand
   * for the same client again with a new TestClient.
   */
  constructor(readonly url: string, readonly docId: string, readonly clientId: string, readonly name = clientId, readonly secret = testSecret(clientId)) {
    this.clocks = new WriterClocks(clientId)
    this.socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true })
    this.socket.on("ops", ({ docId, ops: packed }) => {
      if (docId != this.docId) return
      const ops = unpackOps(packed)
      this.onOps(ops)
      // As DocConnection does: the room's ops may arrive before the join's reply, which they follow.
      if (this.joining) return void this.early.push(...ops)
      if (!this.sync) return
      const result = this.sync.receive(ops)
      if (result.gap) void this.join()
      this.pump()
      this.notify()
    })
    this.socket.on("presence", ({ state }) => { this.presence.set(state.clientId, state); this.notify() })
    this.socket.on("presence:leave", ({ clientId }) => { this.presence.delete(clientId); this.notify() })
    this.socket.on("connect", () => this.notify())
    this.socket.on("disconnect", () => { clearTimeout(this.retryTimer); this.sending = false; this.notify() })
  }

  /** Connect and join (creating the document through `create` first when asked). */
  static async open(url: string, docId: string, clientId: string, create = false, strategy?: StrategyName): Promise<TestClient> {
    const client = new TestClient(url, docId, clientId)
    await client.join(create, strategy)
    return client
  }

  /** Join or rejoin from the client's version (creating the document first when asked); resend the batch in flight. */
  async join(create = false, strategy?: StrategyName): Promise<JoinResult> {
    if (!this.socket.connected) await new Promise<void>(resolve => this.socket.once("connect", () => resolve()))
    if (create) this.token ??= (await createDocument(this.socket, this.docId, strategy)).owner
    // As DocConnection does: the answer to a join that a newer one overtook is ignored.
    const session = ++this.session
    this.joining = true
    const reply: Reply<JoinResult> = await this.socket.emitWithAck("join", {
      docId: this.docId, clientId: this.clientId, secret: this.secret, token: this.token ?? knownLinks(this.docId).edit, version: this.sync ? this.sync.version : null,
      user: { name: this.name, color: "#3366cc" }, hasUnconfirmed: this.sync ? !this.sync.idle : false
    }).catch(error => {
      if (session == this.session) this.stopJoining()
      throw error
    })
    if (!reply.ok) {
      if (session == this.session) this.stopJoining()
      // The hub's fault (a document being reloaded, a store that failed): as DocConnection does, join again soon.
      if (errorCodes[reply.error.code] == "internal" && this.socket.connected && (this.joinRetries += 1) <= 50) {
        await new Promise(resolve => setTimeout(resolve, 20))
        return this.join(create, strategy)
      }
      throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
    }
    const result = reply.value
    this.joinRetries = 0
    if (session != this.session) return result
    this.strategy = result.strategy
    if (result.snapshot) {
      this.sync = new SyncClient({
        clientId: this.clientId, version: result.snapshot.version, nextSeq: this.sync?.nextSeq,
        state: EditorState.create({ doc: schema.nodeFromJSON(result.snapshot.doc), plugins: [...this.plugins, new Plugin({ appendTransaction: appendBlockIds })] }),
        describeBatch: this.clocks.describer(result.strategy)
      })
    }
    // As DocConnection does: edits made while disconnected go out on the version they were written on.
    if (this.socket.connected) this.sync!.nextBatch()
    const arrived = [...result.ops, ...this.early]
    // As DocConnection does: a batch the hub can transform goes before the ops are applied here.
    const early = !result.more && this.socket.connected && this.sync!.inflightFitsAfter(arrived)
    if (early) {
      this.sync!.resume(result.nextSeq)
      clearTimeout(this.retryTimer)
      this.send(this.sync!.inflightBatch!)
    }
    this.sync!.receive(arrived)
    this.stopJoining()
    if (result.more) return this.join()
    // As DocConnection does: a batch the hub would refuse as too far behind goes on the version caught up to.
    if (this.sync!.inflightTooOld) this.sync!.requeue()
    this.sync!.resume(result.nextSeq)
    for (const p of result.presence) this.presence.set(p.clientId, p)
    if (!early) {
      clearTimeout(this.retryTimer)
      this.sending = false
      const inflight = this.sync!.inflightBatch
      if (inflight) this.send(inflight)
      else this.pump()
    }
    this.notify()
    return result
  }

  private stopJoining(): void {
    this.joining = false
    this.early = []
  }

  /** Apply a local edit built from the current state, then send if nothing is in flight. */
  edit(build: (state: EditorState) => Transaction): void {
    this.sync!.apply(build(this.sync!.state))
    this.pump()
    this.notify()
  }

  /** Type text at a position (default: the end of the first paragraph). */
  type(text: string, pos?: number): void {
    this.edit(s => s.tr.insertText(text, pos ?? s.doc.firstChild!.nodeSize - 1))
  }

  /** The document's plain text, blocks separated by "|". */
  get text(): string {
    const doc = this.sync!.state.doc
    return doc.textBetween(0, doc.content.size, "|")
  }

  private pump(): void {
    if (this.sending || !this.socket.connected || !this.sync) return
    const batch = this.sync.nextBatch() ?? null
    if (batch) this.send(batch)
  }

  private send(batch: { seq: number; baseVersion: number; steps: unknown[] }): void {
    this.sending = true
    this.onSubmit(batch.seq)
    this.socket.emitWithAck("submit", { docId: this.docId, clientId: this.clientId, ...batch } as never).then((reply: Reply<SubmitResult>) => {
      this.sending = false
      if (reply.ok) this.acks.push(reply.value)
      // Too far behind for the hub to transform: the steps, rebased here over every op received since,
      // go out again on the version this client is at (a missing op makes it join, as always).
      else if (reply.error.code == "ERR_VERSION_TOO_OLD") this.sync!.requeue()
      // Over the socket's budget: as DocConnection does, the same batch goes again when the hub allows.
      else if (reply.error.code == "ERR_RATE_LIMITED") return this.retryAfter(reply.error.retryAfterMs ?? 500)
      // The hub's fault (a store that failed, a race it kept losing to other hubs): as DocConnection does, resend soon.
      else if (errorCodes[reply.error.code] == "internal") {
        this.errors.push(reply.error)
        return this.retryAfter(20)
      }
      else this.errors.push(reply.error)
      this.pump()
      this.notify()
    }, () => { this.sending = false })
  }

  private retryAfter(ms: number): void {
    this.sending = true
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.sending = false
      const inflight = this.sync?.inflightBatch
      if (inflight && this.socket.connected) this.send(inflight)
      else this.pump()
    }, ms)
  }

  /** Resolve once `check` holds; a timeout names what the client was doing. */
  waitFor(check: () => boolean, what = "condition", timeout?: number): Promise<void> {
    return until(check, wake => { this.listeners.add(wake); return () => this.listeners.delete(wake) }, timeout, what)
      .catch((error: Error) => { throw new Error(`${error.message} (${this.describe()})`) })
  }

  /** The client's state in one line, for failure messages. */
  describe(): string {
    const s = this.sync
    const sync = s ? `version ${s.version}, in flight ${s.inflightBatch ? `seq ${s.inflightBatch.seq} on ${s.inflightBatch.baseVersion}` : "none"}, unconfirmed ${s.unconfirmedCount}` : "not joined"
    return `${this.clientId}: ${this.socket.connected ? "connected" : "disconnected"}, ${sync}, submitting ${this.sending}, errors ${JSON.stringify(this.errors.map(e => e.code + ": " + e.message))}`
  }

  /** True while a submit waits for its acknowledgement (the op itself may have arrived first). */
  get awaitingAck(): boolean {
    return this.sending
  }

  /** True when nothing is unconfirmed and the client is at `version`. */
  settledAt(version: number): boolean {
    return !!this.sync && this.sync.idle && this.sync.version == version
  }

  /** The newest `limit` committed ops of the document, newest first, as the hub's history serves them. */
  async history(limit = 100): Promise<CommittedOp[]> {
    const reply: Reply<HistoryPage> = await this.socket.emitWithAck("history", { docId: this.docId, limit })
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.value.ops
  }

  close(): void {
    this.socket.close()
  }

  /** Wake everything waiting in waitFor to check its condition again. */
  notify(): void {
    for (const l of [...this.listeners]) l()
  }
}

/** The secret a TestClient binds `clientId` with unless given another. */
export function testSecret(clientId: string): string {
  return `test-secret-of-${clientId}`
}

/** Wait until every client has its edits acknowledged and all stand at the same (highest) version. */
export async function settleAll(all: readonly TestClient[]): Promise<void> {
  for (const c of all) await c.waitFor(() => c.sync!.idle && !c.awaitingAck, `${c.clientId} acknowledged`)
  const head = Math.max(...all.map(c => c.sync!.version))
  for (const c of all) await c.waitFor(() => c.sync!.version == head, `${c.clientId} at ${head}`)
}

/**
 * Cut `clients` off from the hub, let `edit` make their edits meanwhile, then bring them back one at a
 * time in order, each settled before the next joins: the last one's edits reach the hub last.
 */
export async function whilePartitioned(clients: readonly TestClient[], edit: () => void): Promise<void> {
  for (const c of clients) c.socket.disconnect()
  edit()
  for (let i = 0; i < clients.length; i++) {
    clients[i].socket.connect()
    await clients[i].join()
    await settleAll(clients.slice(0, i + 1))
  }
}
