import "fake-indexeddb/auto"
import { afterEach, describe, expect, it } from "vitest"
import { MessageChannel } from "node:worker_threads"
import { EditorState } from "prosemirror-state"
import { LocalStore } from "../../lib/client/local-store"
import { LeaderPersistence } from "../../lib/client/leader-persistence"
import { WorkerWriter, type WorkerLike } from "../../lib/client/worker-writer"
import { serveDeviceWrites, type WorkerScope } from "../../lib/client/device-writer-host"
import { SyncClient } from "../../lib/ot"
import { schema } from "../../lib/schema"

let names = 0
const opened: LocalStore[] = []
afterEach(() => opened.splice(0).forEach(store => store.close()))

/**
 * A worker served by serveDeviceWrites over a real MessageChannel (messages are structured-cloned, as
 * between a page and its worker); `crash()` fails it as a worker that died does.
 */
function channelWorker(): WorkerLike & { crash(): void } {
  const { port1, port2 } = new MessageChannel()
  const scope: WorkerScope = { onmessage: null, postMessage: message => port2.postMessage(message) }
  port2.on("message", data => scope.onmessage?.({ data } as MessageEvent))
  serveDeviceWrites(scope)
  const worker = {
    onmessage: null as WorkerLike["onmessage"],
    onerror: null as WorkerLike["onerror"],
    postMessage: (message: unknown) => port1.postMessage(message),
    terminate: () => { port1.close() },
    crash: () => worker.onerror?.({ message: "it died", preventDefault() {} } as ErrorEvent)
  }
  port1.on("message", data => worker.onmessage?.({ data } as MessageEvent))
  return worker
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
})
