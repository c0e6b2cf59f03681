import { io, type Socket } from "socket.io-client"
import type { Node } from "prosemirror-model"
import { Step } from "prosemirror-transform"
import * as Y from "yjs"
import { schema } from "../../lib/schema"
import { crdtDoc, decodeUpdate } from "../../lib/strategies/crdt/updates"
import { unpackOps, type JoinResult, type LeanOp, type PresenceState, type StrategyName } from "../../lib/protocol"
import * as baseline from "./protocol-baseline"
import type { DocView } from "./hostile-messages"
import type { FuzzFailure } from "./fuzz-failure"
import { until } from "../support/test-client"
import { unknownAttribute } from "./hostile-steps"

/** A presence the hub relayed, with when it arrived. */
export interface RelayedPresence {
  docId: string
  state: PresenceState
  at: number
}

/** One document as the observer follows it: every op in order and the document at every version since it joined. */
class ObservedDoc implements DocView {
  /** The document at versions base, base + 1, ... (step-based documents). */
  readonly nodes: Node[] = []
  readonly ops: LeanOp[] = []
  readonly seqs = new Map<string, number>()
  ydoc: Y.Doc | null = null

  constructor(readonly docId: string, readonly strategy: StrategyName, readonly base: number) {}

  get version(): number {
    return this.base + this.ops.length
  }

  docAt(version: number): Node | undefined {
    return this.nodes[version - this.base]
  }

  lastSeq(clientId: string): number {
    return this.seqs.get(clientId) ?? 0
  }

  /** The op that made `version`, when the observer saw it. */
  op(version: number): LeanOp | undefined {
    return this.ops[version - this.base - 1]
  }

  /** The document's content as ProseMirror JSON at the newest version. */
  content(): unknown {
    if (this.ydoc) return crdtDoc(this.ydoc).toJSON()
    return this.docAt(this.version)?.toJSON()
  }
}

/**
 * A well-behaved member that only watches: it joins every fuzzed document, follows each op (applying
 * its steps or Yjs update, checking that it applies, comes in order and leaves a valid document), and
 * records the presence the hub relays. What it saw is what the hub committed and published.
 */
export class ProtocolObserver {
  readonly socket: Socket
  readonly relayed: RelayedPresence[] = []
  private readonly docs = new Map<string, ObservedDoc>()
  private readonly listeners = new Set<() => void>()

  constructor(url: string, readonly clientId: string, private readonly fail: (failure: Omit<FuzzFailure, "seed">, docId: string, version?: number) => void) {
    this.socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true })
    this.socket.on("ops", ({ docId, ops }) => {
      const doc = this.docs.get(docId)
      if (doc) for (const op of unpackOps(ops)) this.receive(doc, op)
      this.notify()
    })
    this.socket.on("presence", ({ docId, state }) => {
      this.relayed.push({ docId, state, at: performance.now() })
    })
  }

  /** Create (when asked) and join a document, following it from there. */
  async watch(docId: string, strategy: StrategyName, create: boolean): Promise<ObservedDoc> {
    if (!this.socket.connected) await new Promise<void>(resolve => this.socket.once("connect", () => resolve()))
    let result: JoinResult
    const secret = baseline.memberSecret(this.clientId)
    if (create) result = await baseline.createDocument(this.socket, docId, this.clientId, secret, strategy)
    else {
      const reply = await this.socket.emitWithAck("join", baseline.joinRequest(docId, this.clientId, secret))
      if (!reply.ok) throw new Error(`observer joining ${docId}: ${reply.error.code} ${reply.error.message}`)
      result = reply.value
    }
    const doc = new ObservedDoc(docId, result.strategy, result.version)
    if (result.crdt) {
      doc.ydoc = new Y.Doc()
      Y.applyUpdate(doc.ydoc, decodeUpdate(result.crdt.update))
    } else doc.nodes.push(schema.nodeFromJSON(result.snapshot!.doc))
    this.docs.set(docId, doc)
    return doc
  }

  /** The document as observed. */
  doc(docId: string): ObservedDoc {
    const doc = this.docs.get(docId)
    if (!doc) throw new Error(`the observer does not follow ${docId}`)
    return doc
  }

  /** Resolve once the observer has seen `version` of `docId`; reject after `timeout` ms. */
  reach(docId: string, version: number, timeout = 20_000): Promise<void> {
    const doc = this.doc(docId)
    return until(() => doc.version >= version, wake => { this.listeners.add(wake); return () => this.listeners.delete(wake) }, timeout, `the observer at ${docId} v${version}`)
  }

  close(): void {
    this.socket.close()
  }

  private receive(doc: ObservedDoc, op: LeanOp): void {
    if (op.version <= doc.version) return
    if (op.version != doc.version + 1) {
      this.fail({ invariant: "ops reach members in order without gaps", kind: "op sequence", detail: `${doc.docId}: got v${op.version} after v${doc.version}` }, doc.docId, op.version)
    }
    if (doc.ydoc) {
      try {
        if (op.update) Y.applyUpdate(doc.ydoc, decodeUpdate(op.update))
      } catch (e) {
        this.fail({ invariant: "every committed op applies at members", kind: "crdt update", detail: `${doc.docId} v${op.version}: ${String(e)}` }, doc.docId, op.version)
      }
    } else {
      // ProseMirror drops attributes a node type does not have when it parses a slice; none may reach the log.
      if (JSON.stringify(op.steps).includes(`"${unknownAttribute}"`))
        this.fail({ invariant: "a committed op carries only the schema's attributes", kind: "committed op", detail: `${doc.docId} v${op.version} by ${op.clientId} seq ${op.seq} carries ${unknownAttribute}` }, doc.docId, op.version)
      let node = doc.docAt(doc.version)!
      try {
        for (const json of op.steps) {
          const result = Step.fromJSON(schema, json).apply(node)
          if (!result.doc) throw new Error(result.failed ?? "step failed")
          node = result.doc
        }
        node.check()
      } catch (e) {
        this.fail({ invariant: "every committed op applies at members and leaves a valid document", kind: "committed op", detail: `${doc.docId} v${op.version} by ${op.clientId} seq ${op.seq}: ${String(e)}` }, doc.docId, op.version)
      }
      doc.nodes.push(node)
    }
    doc.ops.push(op)
    if (op.seq > doc.lastSeq(op.clientId)) doc.seqs.set(op.clientId, op.seq)
  }

  private notify(): void {
    for (const wake of [...this.listeners]) wake()
  }
}
