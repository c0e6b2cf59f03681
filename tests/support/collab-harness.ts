import type { Node } from "prosemirror-model"
import { EditorState, type Transaction } from "prosemirror-state"
import { Step, type StepMap } from "prosemirror-transform"
import { undoHistory } from "../../lib/editor/undo-history"
import { undoOwn } from "../../lib/editor/own-undo"
import { schema, coolBlocks, stepPlaceProblem } from "../../lib/schema"
import { SyncClient, transformBatch, type Batch } from "../../lib/ot"
import type { CommittedOp, DroppedStep } from "../../lib/protocol"

/** A dummy hub: transforms and commits batches in memory, with exactly-once dedup by (clientId, seq). */
export class MemoryHub {
  doc: Node
  readonly ops: CommittedOp[] = []
  readonly maps: StepMap[][] = []
  readonly dropped: DroppedStep[] = []
  private readonly committed = new Map<string, number>()

  constructor(readonly initial: Node) {
    this.doc = initial
  }

  get version(): number {
    return this.ops.length
  }

  /** Commit a batch; returns the committed op, or the earlier one for a duplicate (clientId, seq). */
  submit(clientId: string, batch: Batch): { op: CommittedOp; duplicate: boolean } {
    const key = clientId + "/" + batch.seq
    const earlier = this.committed.get(key)
    if (earlier != null) return { op: this.ops[earlier - 1], duplicate: true }
    if (batch.baseVersion > this.version) throw new RangeError("version from the future")
    const steps = batch.steps.map(json => Step.fromJSON(schema, json))
    const concurrent = this.maps.slice(batch.baseVersion).flat()
    // The hub's check of where each step lands (it refuses a batch on the head instead; nothing here sends one).
    const check = (step: Step, at: Node) => stepPlaceProblem(step, at)
    const result = transformBatch(this.doc, steps, concurrent, { stickLeft: new Set(batch.stickLeft), check })
    // Its plain blocks held cold, as the hub's sweep holds them, so that batches transform against them.
    this.doc = coolBlocks(result.doc)
    const op: CommittedOp = {
      version: this.version + 1, clientId, seq: batch.seq, baseVersion: batch.baseVersion,
      steps: result.steps.map(s => s.toJSON()), author: { name: clientId, color: "#000000" }, time: 0,
      ...(result.dropped.length ? { dropped: result.dropped } : {}),
      ...(result.steps.length + result.dropped.length != steps.length ? { origins: result.origins } : {})
    }
    this.ops.push(op)
    this.maps.push(result.steps.map(s => s.getMap()))
    this.dropped.push(...result.dropped)
    this.committed.set(key, op.version)
    return { op, duplicate: false }
  }

  /** The document obtained by replaying the whole op log from the initial document. */
  replay(): Node {
    let doc = this.initial
    for (const op of this.ops) for (const json of op.steps) {
      const result = Step.fromJSON(schema, json).apply(doc)
      if (!result.doc) throw new Error("op log does not replay: " + result.failed)
      doc = result.doc
    }
    return doc
  }
}

/** One client of the harness with its two FIFO channels. */
export class HarnessClient {
  readonly sync: SyncClient
  connected = true
  readonly toHub: Batch[] = []
  readonly fromHub: CommittedOp[] = []

  constructor(readonly id: string, hub: MemoryHub, withHistory: boolean) {
    this.sync = new SyncClient({
      clientId: id,
      version: hub.version,
      state: EditorState.create({ doc: hub.doc, plugins: withHistory ? undoHistory() : [] })
    })
  }

  get doc(): Node {
    return this.sync.state.doc
  }
}

/**
 * N clients around a MemoryHub with per-client FIFO channels whose delivery the test controls, in the
 * manner of ProseMirror's own collab tests: edit on client k, deliver or hold messages, disconnect and
 * reconnect, then check convergence.
 */
export class CollabHarness {
  readonly hub: MemoryHub
  readonly clients: HarnessClient[]

  constructor(doc: Node, count: number, options: { history?: boolean } = {}) {
    this.hub = new MemoryHub(doc)
    this.clients = Array.from({ length: count }, (_, i) => new HarnessClient("c" + i, this.hub, !!options.history))
  }

  /** Make a local edit on client k: `edit` builds a transaction from the client's state (null for none). */
  edit(k: number, edit: (state: EditorState) => Transaction | null | undefined | false): boolean {
    const client = this.clients[k]
    const tr = edit(client.sync.state)
    if (!tr) return false
    client.sync.apply(tr)
    this.send(k)
    return true
  }

  /** Undo client k's last undoable edit (as the editor does, undoOwn) and send it; false when there was none. */
  undo(k: number): boolean {
    return this.edit(k, state => {
      let tr: Transaction | null = null
      undoOwn(state, t => (tr = t))
      return tr
    })
  }

  /** Put client k's next batch on its channel to the hub, if it may send one. */
  send(k: number): void {
    const client = this.clients[k]
    if (!client.connected) return
    const batch = client.sync.nextBatch()
    if (batch) client.toHub.push(batch)
  }

  /** Deliver up to `count` of client k's messages to the hub; committed ops go to every connected client. */
  deliverToHub(k: number, count = Infinity): number {
    const client = this.clients[k]
    let n = 0
    while (n < count && client.toHub.length) {
      const batch = client.toHub.shift()!
      const { op, duplicate } = this.hub.submit(client.id, batch)
      if (!duplicate) for (const c of this.clients) if (c.connected) c.fromHub.push(op)
      n++
    }
    return n
  }

  /** Deliver up to `count` committed ops to client k; it then sends its next batch if it can. */
  deliverToClient(k: number, count = Infinity): number {
    const client = this.clients[k]
    const ops = client.fromHub.splice(0, Math.min(count, client.fromHub.length))
    if (ops.length) {
      const result = client.sync.receive(ops)
      if (result.gap) throw new Error(`client ${k} saw a gap in the ops`)
    }
    this.send(k)
    return ops.length
  }

  /** Cut client k off: what is on its channels is lost (`keepToHub` delivers its sent batches first). */
  disconnect(k: number, keepToHub = false): void {
    if (keepToHub) this.deliverToHub(k)
    const client = this.clients[k]
    client.connected = false
    client.toHub.length = 0
    client.fromHub.length = 0
  }

  /** Reconnect client k: it catches up from its version and resends its batch in flight with the same seq. */
  reconnect(k: number): void {
    const client = this.clients[k]
    client.connected = true
    const missing = this.hub.ops.slice(client.sync.version)
    if (missing.length) client.sync.receive(missing)
    const inflight = client.sync.inflightBatch
    if (inflight) client.toHub.push(inflight)
    else this.send(k)
  }

  /** Deliver every message until nothing moves; disconnected clients are reconnected first. */
  settle(): void {
    this.clients.forEach((c, k) => { if (!c.connected) this.reconnect(k) })
    for (let moved = true; moved;) {
      moved = false
      for (let k = 0; k < this.clients.length; k++) {
        if (this.deliverToHub(k)) moved = true
        if (this.deliverToClient(k)) moved = true
      }
    }
  }

  /** Throw unless every client and the op log's replay equal the hub's document (invariant 1). */
  assertConverged(): void {
    const hubDoc = this.hub.doc
    if (!this.hub.replay().eq(hubDoc)) throw new Error("the hub's document differs from the replay of its op log")
    this.clients.forEach((c, k) => {
      if (!c.sync.idle) throw new Error(`client ${k} still has unconfirmed steps`)
      if (c.sync.version != this.hub.version) throw new Error(`client ${k} is at version ${c.sync.version}, hub at ${this.hub.version}`)
      if (!c.doc.eq(hubDoc)) throw new Error(`client ${k} diverged:\n  client: ${c.doc.toString()}\n  hub:    ${hubDoc.toString()}`)
    })
  }
}
