// Yjs clients of the relay: a Y.Doc with one Y.Text, y-protocols sync over a `ws` WebSocket. A local
// transaction goes out as one update; the relay echoes every update to every connection, so a client
// knows its update is stored when it comes back (its acknowledgement).
import * as Y from "yjs"
import * as syncProtocol from "y-protocols/sync"
import * as encoding from "lib0/encoding"
import * as decoding from "lib0/decoding"
import { WebSocket } from "ws"
import type { TracePatch } from "../../tests/support/traces"
import { ChangeListeners, randomInt, type Closable, type EditingClient, type SystemClients, type TypingClient } from "./client-api"
import { messageSync } from "./yjs-messages"

function opened(ws: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws))
    ws.once("error", reject)
  })
}

/** A Y.Doc synced with one room of the relay. */
class YjsSession {
  readonly doc = new Y.Doc()
  readonly text = this.doc.getText("t")
  readonly changes = new ChangeListeners()
  /** The highest clock of this client's own items that the relay has echoed back. */
  confirmedClock = 0
  /** Called with the clock ranges of every update received: client id -> [from, to). */
  onUpdate: ((from: Map<number, number>, to: Map<number, number>) => void) | null = null
  private ws: WebSocket | null = null
  private syncedWaiter: (() => void) | null = null

  constructor(private readonly url: string, private readonly room: string) {
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === this || !this.ws) return
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, messageSync)
      syncProtocol.writeUpdate(encoder, update)
      this.ws.send(encoding.toUint8Array(encoder))
    })
  }

  /** Connect and sync both ways; resolves once the relay's state has arrived. */
  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.url}/${encodeURIComponent(this.room)}`)
    // The relay's sync step 1 may arrive in the same read as the handshake: listen before "open".
    ws.on("message", (data: Buffer) => this.receive(ws, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    await opened(ws)
    const synced = new Promise<void>(resolve => (this.syncedWaiter = resolve))
    this.ws = ws
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messageSync)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    ws.send(encoding.toUint8Array(encoder))
    await synced
  }

  disconnect(): void {
    this.ws?.close()
    this.ws = null
  }

  /** This client's next clock: the number of items it has created. */
  get clock(): number {
    return Y.getState(this.doc.store, this.doc.clientID)
  }

  private receive(ws: WebSocket, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) != messageSync) return
    const type = decoding.readVarUint(decoder)
    if (type == syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, messageSync)
      syncProtocol.readSyncStep1(decoder, encoder, this.doc)
      ws.send(encoding.toUint8Array(encoder))
      return
    }
    const update = decoding.readVarUint8Array(decoder)
    const meta = Y.parseUpdateMeta(update)
    const own = meta.to.get(this.doc.clientID)
    if (own != null && own > this.confirmedClock) this.confirmedClock = own
    this.onUpdate?.(meta.from, meta.to)
    Y.applyUpdate(this.doc, update, this)
    if (type == syncProtocol.messageYjsSyncStep2) this.syncedWaiter?.()
    this.changes.notify()
  }
}

class YjsTypingClient implements TypingClient {
  private readonly session: YjsSession
  private confirmWaiter: { clock: number; resolve: () => void } | null = null
  private arrive: ((keys: string[]) => void) | null = null

  constructor(url: string, docId: string) {
    this.session = new YjsSession(url, docId)
    this.session.changes.add(() => {
      if (this.confirmWaiter && this.session.confirmedClock >= this.confirmWaiter.clock) this.confirmWaiter.resolve()
    })
  }

  /** Keys are "<Yjs client id>/<clock + 1>": one character is one item, one clock tick. */
  set onArrive(listener: ((keys: string[]) => void) | null) {
    this.arrive = listener
    this.session.onUpdate = listener && ((from, to) => {
      const keys: string[] = []
      for (const [client, end] of to) for (let clock = from.get(client) ?? end; clock < end; clock++) keys.push(`${client}/${clock + 1}`)
      listener(keys)
    })
  }

  get onArrive(): ((keys: string[]) => void) | null {
    return this.arrive
  }

  join(): Promise<void> {
    return this.session.connect()
  }

  typeOne(onKey: (key: string) => void): Promise<void> {
    const clock = this.session.clock + 1
    onKey(`${this.session.doc.clientID}/${clock}`)
    const confirmed = new Promise<void>(resolve => (this.confirmWaiter = { clock, resolve }))
    this.session.text.insert(randomInt(this.session.text.length + 1), "x")
    return confirmed
  }

  /** Characters inserted by everyone: each insert of W1 and W2 is one op. */
  get committed(): number {
    let sum = 0
    for (const clock of Y.decodeStateVector(Y.encodeStateVector(this.session.doc)).values()) sum += clock
    return sum
  }

  close(): void {
    this.session.disconnect()
  }
}

class YjsEditingClient implements EditingClient {
  private readonly session: YjsSession

  constructor(url: string, docId: string) {
    this.session = new YjsSession(url, docId)
  }

  join(): Promise<void> {
    return this.session.connect()
  }

  applyPatches(patches: readonly TracePatch[]): void {
    const text = this.session.text
    this.session.doc.transact(() => {
      for (const [pos, deleted, insert] of patches) {
        if (deleted) text.delete(pos, deleted)
        if (insert) text.insert(pos, insert)
      }
    })
  }

  text(): string {
    return this.session.text.toString()
  }

  textLength(): number {
    return this.session.text.length
  }

  /** Every item this client created has come back from the relay (deletions create no items, so are not counted). */
  get settled(): boolean {
    return this.session.confirmedClock >= this.session.clock
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

/** The Yjs relay's clients. */
export const clients: SystemClients = {
  typingClient: (url, docId) => new YjsTypingClient(url, docId),
  editingClient: (url, docId) => new YjsEditingClient(url, docId),
  async idleConnection(url: string): Promise<Closable> {
    const ws = await opened(new WebSocket(`${url}/`))
    return { close: () => ws.close() }
  }
}
