import "fake-indexeddb/auto"
import { afterEach, describe, expect, it } from "vitest"
import { MessageChannel } from "node:worker_threads"
import { EditorState } from "prosemirror-state"
import { LocalStore } from "../../lib/client/local-store"
import { LeaderPersistence } from "../../lib/client/leader-persistence"
import { WorkerWriter, type WorkerLike } from "../../lib/client/worker-writer"
import { serveDeviceWrites, type WorkerScope } from "../../lib/client/device-writer-host"
import { SyncClient } from "../../lib/ot"
import { WriteRing } from "../../lib/client/write-ring"
import { WorkDiffer } from "../../lib/client/work-delta"
import { schema } from "../../lib/schema"

let names = 0
const opened: LocalStore[] = []
const stops: (() => void)[] = []
afterEach(() => {
  opened.splice(0).forEach(store => store.close())
  stops.splice(0).forEach(stop => stop())
})

/**
 * A worker served by serveDeviceWrites over a real MessageChannel (messages are structured-cloned, as
 * between a page and its worker); `crash()` fails it as a worker that died does.
 */
function channelWorker(options: { delayPostsMs?: number } = {}): WorkerLike & { crash(): void } {
  const { port1, port2 } = new MessageChannel()
  const scope: WorkerScope = { onmessage: null, postMessage: message => port2.postMessage(message) }
  port2.on("message", data => scope.onmessage?.({ data } as MessageEvent))
  const stop = serveDeviceWrites(scope)
  stops.push(stop)
  const worker = {
    onmessage: null as WorkerLike["onmessage"],
    onerror: null as WorkerLike["onerror"],
    // A write posted late arrives after the ring's next drain (the open goes at once).
    postMessage: (message: { kind: string }) => options.delayPostsMs && message.kind == "write"
      ? void setTimeout(() => port1.postMessage(message), options.delayPostsMs)
      : port1.postMessage(message),
    terminate: () => { stop(); port1.close() },
    crash: () => worker.onerror?.({ message: "it died", preventDefault() {} } as ErrorEvent)
  }
  port1.on("message", data => worker.onmessage?.({ data } as MessageEvent))
  return worker
}

/** Count the writes `writer` posts (those the ring had no room for). */
function channelPosts(writer: WorkerWriter): { count: number } {
  const counted = { count: 0 }
  const worker = (writer as unknown as { worker: WorkerLike }).worker
  const post = worker.postMessage.bind(worker)
  worker.postMessage = message => {
    if (message.kind == "write") counted.count++
    post(message)
  }
  return counted
}

async function openStore(): Promise<{ store: LocalStore; name: string }> {
  const name = `worker-writer-test-${++names}`
  const store = await LocalStore.open({ name })
  opened.push(store)
  return { store, name }
}

const start = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("hello")])])
const identity = { docId: "doc-1", clientId: "tab-1", secret: "s" }

describe("WorkerWriter", () => {
  it("stores a leader through the worker: the page's store reads back exactly what the client holds", async () => {
    const { store, name } = await openStore()
    const writer = new WorkerWriter(channelWorker(), store, name)
    const persistence = new LeaderPersistence({ store, writer }, identity, () => {}, error => { throw error })
    const client = new SyncClient({ clientId: "tab-1", version: 4, state: EditorState.create({ doc: start }) })
    for (const ch of "typed offline") {
      client.apply(client.state.tr.insertText(ch, client.state.doc.content.size - 1))
      persistence.changed(client, "ot")
      await persistence.flush()
    }
    const stored = (await store.load("doc-1", "tab-1"))!
    expect(stored.record.work).toEqual(client.work())
    expect(stored.record.unsent).toBe(13)
    expect(stored.record.version).toBe(4)
    await persistence.close()
  })

  it("refuses the writes a dead worker held, then writes the whole work on the page itself", async () => {
    const { store, name } = await openStore()
    const worker = channelWorker()
    const writer = new WorkerWriter(worker, store, name)
    const failures: string[] = []
    const persistence = new LeaderPersistence({ store, writer }, identity, () => {}, error => failures.push(error.code))
    const client = new SyncClient({ clientId: "tab-1", version: 0, state: EditorState.create({ doc: start }) })
    client.apply(client.state.tr.insertText("a", 6))
    persistence.changed(client, "ot")
    await persistence.flush()
    client.apply(client.state.tr.insertText("b", 7))
    persistence.changed(client, "ot")
    const held = persistence.flush()
    worker.crash()
    await held
    expect(failures).toEqual(["ERR_LOCAL_STORAGE"])
    expect(persistence.saved).toBe(false)
    client.apply(client.state.tr.insertText("c", 8))
    persistence.changed(client, "ot")
    await persistence.flush()
    expect(persistence.saved).toBe(true)
    expect((await store.load("doc-1", "tab-1"))!.record.work).toEqual(client.work())
  })

  it("stores writes in the order made, whether they went through the ring or were posted when it had no room", async () => {
    const { store, name } = await openStore()
    // A ring with room for a keystroke's write or two: a write of the whole document does not fit.
    const writer = new WorkerWriter(channelWorker(), store, name, WriteRing.create(2048))
    const persistence = new LeaderPersistence({ store, writer }, identity, () => {}, error => { throw error })
    const long = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("x".repeat(3_000))])])
    const client = new SyncClient({ clientId: "tab-1", version: 4, state: EditorState.create({ doc: long }) })
    const sent = { ring: 0, posted: 0 }
    const post = channelPosts(writer)
    for (const ch of "typed through the ring, mostly") {
      client.apply(client.state.tr.insertText(ch, client.state.doc.content.size - 1))
      persistence.changed(client, "ot")
      const before = post.count
      await persistence.flush()
      if (post.count > before) sent.posted++
      else sent.ring++
    }
    expect(sent.ring).toBeGreaterThan(0)
    expect(sent.posted).toBeGreaterThan(0)
    expect((await store.load("doc-1", "tab-1"))!.record.work).toEqual(client.work())
    await persistence.close()
  })

  it("stores a posted write before the ring's later ones even when it arrives after them", async () => {
    const { store, name } = await openStore()
    const writer = new WorkerWriter(channelWorker({ delayPostsMs: 40 }), store, name, WriteRing.create(2048))
    const long = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("x".repeat(3_000))])])
    const client = new SyncClient({ clientId: "tab-1", version: 4, state: EditorState.create({ doc: long }) })
    const differ = new WorkDiffer()
    const record = (serial: number) => ({ ...identity, strategy: "ot" as const, version: 4, unsent: client.unconfirmedCount, savedAt: 1, serial })
    client.apply(client.state.tr.insertText("a", 3_001))
    // The first write carries the document and is posted; the second, a keystroke on top of it, goes through the ring.
    const first = writer.write({ record: record(1), work: differ.delta(client.workView()), doc: JSON.stringify(long.toJSON()) })
    client.apply(client.state.tr.insertText("b", 3_002))
    const second = writer.write({ record: record(2), work: differ.delta(client.workView()) })
    await Promise.all([first, second])
    expect((await store.load("doc-1", "tab-1"))!.record.work).toEqual(client.work())
  })
})
