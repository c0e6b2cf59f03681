// ShareDB's own client (Connection and Doc) over a `ws` WebSocket, editing an ot-text-unicode string.
import { Connection, types, type Doc, type Message, type ShareDBError } from "sharedb/lib/client"
import { type as textUnicode } from "ot-text-unicode"
import { WebSocket } from "ws"
import type { TracePatch } from "../../tests/support/traces"
import { ChangeListeners, randomInt, type Closable, type EditingClient, type SystemClients, type TypingClient } from "./client-api"

types.register(textUnicode)

const collection = "bench"

function call(run: (callback: (error?: ShareDBError | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run(error => (error ? reject(error) : resolve())))
}

function opened(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    if (connection.state == "connected") return resolve()
    const onState = (state: string) => {
      if (state == "connected") resolve()
      else if (state == "closed" || state == "stopped") reject(new Error(`ShareDB connection ${state}`))
    }
    connection.on("state", onState)
  })
}

/** Subscribe to the document, creating it as an empty text when asked and missing (losing a creation race is fine). */
async function subscribe(doc: Doc, create: boolean): Promise<void> {
  await call(c => doc.subscribe(c))
  if (!doc.type && create) {
    try {
      await call(c => doc.create("", textUnicode.uri, c))
    } catch (error) {
      if ((error as ShareDBError).code != "ERR_DOC_ALREADY_CREATED") throw error
    }
  }
  for (let attempt = 0; !doc.type && attempt < 50; attempt++) await call(c => doc.fetch(c))
  if (!doc.type) throw new Error(`ShareDB document ${doc.id} does not exist`)
}

/** The ot-text-unicode op of one trace patch. */
function patchOp([pos, deleted, insert]: TracePatch): (number | string | { d: number })[] {
  const op: (number | string | { d: number })[] = []
  if (pos) op.push(pos)
  if (deleted) op.push({ d: deleted })
  if (insert) op.push(insert)
  return op
}

class ShareDBTypingClient implements TypingClient {
  private readonly connection: Connection
  private readonly doc: Doc
  private keyWanted: ((key: string) => void) | null = null
  private error: Error | null = null
  onArrive: ((keys: string[]) => void) | null = null

  constructor(url: string, docId: string) {
    this.connection = new Connection(new WebSocket(url))
    this.connection.on("error", (error: Error) => (this.error = error))
    this.doc = this.connection.get(collection, docId)
    this.doc.on("error", (error: Error) => (this.error = error))
    // ShareDB names an op by its connection id and the connection's seq, set as it is first sent
    // (without src on the first try: the server fills in the connection's id).
    this.connection.on("send", (message: Message) => {
      if (message.a == "op" && this.keyWanted) {
        this.keyWanted(`${message.src ?? this.connection.id}/${message.seq}`)
        this.keyWanted = null
      }
    })
    this.connection.on("receive", (request: { data: Message }) => {
      const message = request.data
      if (this.onArrive && message.a == "op" && message.op) this.onArrive([`${message.src}/${message.seq}`])
    })
  }

  join(create: boolean): Promise<void> {
    return subscribe(this.doc, create)
  }

  typeOne(onKey: (key: string) => void): Promise<void> {
    if (this.error) throw this.error
    const pos = randomInt(this.doc.data.length + 1)
    this.keyWanted = onKey
    return call(c => this.doc.submitOp(pos ? [pos, "x"] : ["x"], c))
  }

  get committed(): number {
    return (this.doc.version ?? 1) - 1
  }

  close(): void {
    this.connection.close()
  }
}

class ShareDBEditingClient implements EditingClient {
  private readonly connection: Connection
  private readonly doc: Doc
  private readonly changes = new ChangeListeners()
  private error: Error | null = null

  constructor(private readonly url: string, docId: string) {
    this.connection = new Connection(new WebSocket(url))
    this.connection.on("error", (error: Error) => (this.error = error))
    this.doc = this.connection.get(collection, docId)
    this.doc.on("op", () => this.changes.notify())
    this.doc.on("nothing pending", () => this.changes.notify())
    this.doc.on("error", (error: Error) => (this.error = error))
  }

  join(create: boolean): Promise<void> {
    return subscribe(this.doc, create)
  }

  applyPatches(patches: readonly TracePatch[]): void {
    if (this.error) throw this.error
    for (const patch of patches) this.doc.submitOp(patchOp(patch))
  }

  text(): string {
    return this.doc.data
  }

  textLength(): number {
    return this.doc.data.length
  }

  get settled(): boolean {
    return !this.doc.hasWritePending()
  }

  goOffline(): void {
    this.connection.bindToSocket(new ClosedSocket())
  }

  async goOnline(): Promise<void> {
    this.connection.bindToSocket(new WebSocket(this.url))
    await opened(this.connection)
  }

  onChange(listener: () => void): () => void {
    return this.changes.add(listener)
  }

  close(): void {
    this.connection.close()
  }
}

/** A socket that is closed for good: binding a Connection to it takes the Connection offline without reconnecting. */
class ClosedSocket {
  readonly readyState = 3
  onmessage: unknown = null
  onopen: unknown = null
  onclose: unknown = null
  onerror: unknown = null
  send(): void {
    throw new Error("offline")
  }
  close(): void {}
}

/** ShareDB's clients. */
export const clients: SystemClients = {
  typingClient: (url, docId) => new ShareDBTypingClient(url, docId),
  editingClient: (url, docId) => new ShareDBEditingClient(url, docId),
  async idleConnection(url: string): Promise<Closable> {
    const connection = new Connection(new WebSocket(url))
    await opened(connection)
    return { close: () => connection.close() }
  }
}
