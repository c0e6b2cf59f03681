// The reject-and-retry client: a ProseMirror state with prosemirror-collab. One batch in flight;
// when the authority rejects it, the client has already received the steps it missed (they come in
// order on the same socket), so receiveTransaction has rebased its steps and it retries at once.
import type { Node } from "prosemirror-model"
import { EditorState } from "prosemirror-state"
import { Step } from "prosemirror-transform"
import { collab, getVersion, receiveTransaction, sendableSteps } from "prosemirror-collab"
import { WebSocket } from "ws"
import { newBlockId } from "../../lib/schema/block-ids"
import { TextPatcher, docToText } from "../../lib/ot/trace-text"
import { schema } from "../../lib/schema"
import type { TracePatch } from "../../tests/support/traces"
import { ChangeListeners, type Closable, type EditingClient, type SystemClients, type TypingClient } from "./client-api"
import { randomTextPosition } from "./paragraph-lengths"
import type { RebaseClientMessage, RebaseServerMessage } from "./rebase-protocol"

function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws))
    ws.once("error", reject)
  })
}

/** One client's session with the authority: its collab state, the batch in flight, retries. */
class RebaseSession {
  state: EditorState | null = null
  seq = 0
  retries = 0
  readonly changes = new ChangeListeners()
  /** Called with every accepted batch as it arrives. */
  onSteps: (message: { clientID: string; seq: number }) => void = () => {}
  /** Called when the authority accepted this client's batch `seq`. */
  onConfirmed: (seq: number) => void = () => {}
  private ws: WebSocket | null = null
  private inflight = false
  private retrying = false
  private joinedWaiter: (() => void) | null = null
  private failure: Error | null = null

  constructor(private readonly url: string, private readonly docId: string, readonly clientID: string) {}

  /** Connect and join: a fresh copy the first time, the steps since the client's version after that. */
  async connect(): Promise<void> {
    const ws = await openSocket(this.url)
    this.ws = ws
    ws.on("message", data => this.receive(JSON.parse(data.toString()) as RebaseServerMessage))
    ws.on("close", () => {
      if (this.ws === ws) this.ws = null
    })
    const joined = new Promise<void>(resolve => (this.joinedWaiter = resolve))
    this.send({ t: "join", doc: this.docId, version: this.state ? getVersion(this.state) : null })
    await joined
  }

  disconnect(): void {
    const ws = this.ws
    this.ws = null
    this.inflight = false
    ws?.close()
  }

  /** Apply a local transaction built on the current state, then send if nothing is in flight. */
  edit(build: (state: EditorState) => EditorState["tr"]): void {
    if (this.failure) throw this.failure
    this.state = this.state!.apply(build(this.state!))
    this.pump()
  }

  get version(): number {
    return getVersion(this.state!)
  }

  get settled(): boolean {
    return sendableSteps(this.state!) == null
  }

  private send(message: RebaseClientMessage): void {
    this.ws!.send(JSON.stringify(message))
  }

  private pump(): void {
    if (this.inflight || !this.ws || this.ws.readyState != WebSocket.OPEN || !this.state) return
    const sendable = sendableSteps(this.state)
    if (!sendable) return
    if (!this.retrying) this.seq++
    this.inflight = true
    this.send({ t: "submit", version: sendable.version, steps: sendable.steps.map(s => s.toJSON()), clientID: this.clientID, seq: this.seq })
  }

  private receive(message: RebaseServerMessage): void {
    if (message.t == "joined") {
      if (message.doc) {
        const doc = schema.nodeFromJSON(message.doc)
        this.state = EditorState.create({ doc, plugins: [collab({ version: message.version, clientID: this.clientID })] })
      } else {
        this.rebase(message.steps!, message.clientIDs!)
      }
      // A batch in flight when the connection dropped was either accepted (and is among the steps
      // just received) or lost; either way sendableSteps now holds what is left to send.
      this.inflight = false
      this.retrying = false
      this.joinedWaiter?.()
      this.pump()
    } else if (message.t == "steps") {
      const version = getVersion(this.state!)
      if (message.version < version) return
      if (message.version > version) {
        this.failure = new Error(`missed steps ${version}..${message.version}`)
        return
      }
      this.rebase(message.steps, message.steps.map(() => message.clientID))
      this.onSteps(message)
      if (message.clientID == this.clientID && this.inflight && message.seq == this.seq) {
        this.inflight = false
        this.retrying = false
        this.onConfirmed(message.seq)
        this.pump()
      }
    } else if (message.t == "reject") {
      this.inflight = false
      this.retrying = true
      this.retries++
      this.pump()
    } else {
      this.failure = new Error(message.message)
    }
    this.changes.notify()
  }

  private rebase(steps: readonly unknown[], clientIDs: string[]): void {
    if (!steps.length) return
    const parsed = steps.map(json => Step.fromJSON(schema, json))
    this.state = this.state!.apply(receiveTransaction(this.state!, parsed, clientIDs))
  }
}

class RebaseTypingClient implements TypingClient {
  private readonly session: RebaseSession
  private confirmWaiter: { seq: number; resolve: () => void } | null = null
  onArrive: ((keys: string[]) => void) | null = null

  constructor(url: string, docId: string, name: string) {
    this.session = new RebaseSession(url, docId, name)
    this.session.onSteps = m => this.onArrive?.([`${m.clientID}/${m.seq}`])
    this.session.onConfirmed = seq => {
      if (this.confirmWaiter?.seq == seq) this.confirmWaiter.resolve()
    }
  }

  join(): Promise<void> {
    return this.session.connect()
  }

  typeOne(onKey: (key: string) => void): Promise<void> {
    const seq = this.session.seq + 1
    onKey(`${this.session.clientID}/${seq}`)
    const confirmed = new Promise<void>(resolve => (this.confirmWaiter = { seq, resolve }))
    this.session.edit(state => {
      const lengths: number[] = []
      state.doc.forEach(paragraph => lengths.push(paragraph.content.size))
      return state.tr.insertText("x", randomTextPosition(lengths))
    })
    return confirmed
  }

  get committed(): number {
    return this.session.version
  }

  close(): void {
    this.session.disconnect()
  }
}

class RebaseEditingClient implements EditingClient {
  private readonly session: RebaseSession
  private patcher: TextPatcher | null = null
  private patcherDoc: Node | null = null

  constructor(url: string, docId: string, name: string) {
    this.session = new RebaseSession(url, docId, name)
  }

  join(): Promise<void> {
    return this.session.connect()
  }

  applyPatches(patches: readonly TracePatch[]): void {
    this.session.edit(state => {
      if (this.patcherDoc !== state.doc) this.patcher = new TextPatcher(state.doc, { newId: () => newBlockId() })
      const tr = state.tr
      for (const [pos, deleted, insert] of patches) for (const step of this.patcher!.patchToSteps(pos, deleted, insert)) tr.step(step)
      return tr
    })
    this.patcherDoc = this.session.state!.doc
  }

  text(): string {
    return docToText(this.session.state!.doc)
  }

  textLength(): number {
    const doc = this.session.state!.doc
    return doc.content.size - doc.childCount - 1
  }

  get settled(): boolean {
    return this.session.settled
  }

  goOffline(): void {
    this.session.disconnect()
  }

  goOnline(): Promise<void> {
    return this.session.connect()
  }

  onChange(listener: () => void): () => void {
    return this.session.changes.add(listener)
  }

  close(): void {
    this.session.disconnect()
  }
}

/** The reject-and-retry clients. */
export const clients: SystemClients = {
  typingClient: (url, docId, name) => new RebaseTypingClient(url, docId, name),
  editingClient: (url, docId, name) => new RebaseEditingClient(url, docId, name),
  async idleConnection(url: string): Promise<Closable> {
    const ws = await openSocket(url)
    return { close: () => ws.close() }
  }
}
