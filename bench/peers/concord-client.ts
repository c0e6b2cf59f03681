// Concord's clients for the benchmark: LightClient (keeps no document) types in W1, W2, W4 and W6;
// the real SyncClient, through the integration tests' TestClient, holds the document in W3 and W5
// and seeds W6's.
import type { Node } from "prosemirror-model"
import { io } from "socket.io-client"
import { newBlockId } from "../../lib/schema/block-ids"
import { TextPatcher, docToText } from "../../lib/ot/trace-text"
import { StepApplier, stepThrough } from "../../lib/ot"
import { TestClient } from "../../tests/support/test-client"
import type { TracePatch } from "../../tests/support/traces"
import { LightClient } from "../light-client"
import { ChangeListeners, type Closable, type EditingClient, type SystemClients, type TypingClient } from "./client-api"

class ConcordTypingClient implements TypingClient {
  private readonly client: LightClient
  onArrive: ((keys: string[]) => void) | null = null

  constructor(url: string, docId: string, name: string) {
    this.client = new LightClient(url, docId, name)
    this.client.onOps = ops => this.onArrive?.(ops.map(op => `${op.clientId}/${op.seq}`))
  }

  join(create: boolean): Promise<void> {
    return this.client.join(create)
  }

  async typeOne(onKey: (key: string) => void): Promise<void> {
    onKey(`${this.client.clientId}/${this.client.seq + 1}`)
    await this.client.typeOne()
  }

  get committed(): number {
    return this.client.version
  }

  close(): void {
    this.client.close()
  }
}

/** A TestClient that tells benchmark listeners about every change it notifies its own waiters of. */
class BenchTestClient extends TestClient {
  readonly changes = new ChangeListeners()

  override notify(): void {
    super.notify()
    this.changes.notify()
  }
}

class ConcordEditingClient implements EditingClient {
  private readonly client: BenchTestClient
  private patcher: TextPatcher | null = null
  private patcherDoc: Node | null = null

  constructor(url: string, docId: string, name: string) {
    this.client = new BenchTestClient(url, docId, name)
  }

  async join(create: boolean): Promise<void> {
    await this.client.join(create)
  }

  applyPatches(patches: readonly TracePatch[]): void {
    this.client.edit(state => {
      // The patcher indexes the lines of the document it last saw; remote changes since then mean a fresh index.
      if (this.patcherDoc !== state.doc) this.patcher = new TextPatcher(state.doc, { newId: () => newBlockId() })
      // One transaction of many steps, as a run: each step applied to the document the one before made.
      const tr = state.tr
      const applier = new StepApplier()
      for (const [pos, deleted, insert] of patches) for (const step of this.patcher!.patchToSteps(pos, deleted, insert)) stepThrough(tr, step, applier)
      return tr
    })
    this.patcherDoc = this.client.sync!.state.doc
  }

  text(): string {
    return docToText(this.client.sync!.state.doc)
  }

  textLength(): number {
    const doc = this.client.sync!.state.doc
    return doc.content.size - doc.childCount - 1
  }

  get settled(): boolean {
    return this.client.sync!.idle
  }

  goOffline(): void {
    this.client.socket.disconnect()
  }

  async goOnline(): Promise<void> {
    this.client.socket.connect()
    await this.client.join()
  }

  onChange(listener: () => void): () => void {
    return this.client.changes.add(listener)
  }

  close(): void {
    this.client.close()
  }
}

/** Concord's clients: Socket.IO over a WebSocket, the protocol of docs/PROTOCOL.md. */
export const clients: SystemClients = {
  typingClient: (url, docId, name) => new ConcordTypingClient(url, docId, name),
  editingClient: (url, docId, name) => new ConcordEditingClient(url, docId, name),
  async idleConnection(url: string): Promise<Closable> {
    const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false })
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve())
      socket.once("connect_error", reject)
    })
    return { close: () => socket.close() }
  }
}
