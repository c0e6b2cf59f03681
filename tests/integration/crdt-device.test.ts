import "fake-indexeddb/auto"
import { describe, expect, it, vi } from "vitest"
import { serverSuite } from "../support/server-suite"
import { until } from "../support/test-client"
import { IndexeddbPersistence } from "y-indexeddb"
import * as Y from "yjs"
import { CrdtConnection, crdtStoreName } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import type { Author, CommittedOp } from "../../lib/protocol"
import { typeInYjs } from "../support/yjs-typing"

// A CRDT document kept on a device (y-indexeddb, on fake-indexeddb here): what a reopened page sends of
// the edits the page before it made offline, and what it says they were based on.

const suite = serverSuite()
const ada: Author = { name: "Ada", color: "#c2255c" }
const bob: Author = { name: "Bob", color: "#1971c2" }

function open(docId: string, token: string, user: Author, keepOnDevice = false): CrdtConnection {
  return suite.closeAtEnd(new CrdtConnection({ docId, token, user, url: suite.server.url, keepOnDevice }))
}

function online(c: CrdtConnection): Promise<void> {
  return until(() => c.status == "online", wake => c.subscribe(wake), 20_000, "online")
}

function acknowledged(c: CrdtConnection): Promise<void> {
  return until(() => c.unconfirmedCount == 0 && c.status == "online", wake => c.subscribe(wake), 20_000, "acknowledged")
}

/** Type `text` at the end of the first paragraph, as the editor's binding writes it into Yjs. */
function type(c: Pick<CrdtConnection, "ydoc">, text: string): void {
  typeInYjs(c.ydoc, text)
}

async function newest(c: CrdtConnection, limit: number): Promise<CommittedOp[]> {
  return (await c.fetchHistory(undefined, limit)).ops.reverse()
}

/** A page that typed "Hello", acknowledged, then " offline" while offline, stored on the device; then the page goes. */
async function leaveOfflineEdit(docId: string, token: string): Promise<void> {
  const page = open(docId, token, ada, true)
  await online(page)
  type(page, "Hello")
  await acknowledged(page)
  page.goOffline()
  type(page, " offline")
  await until(() => page.keptOnDevice, wake => page.subscribe(wake), 20_000, "stored")
  page.close()
}

describe("a CRDT document kept on a device", () => {
  it("sends the edits a closed page made offline from the stored copy, based on the version that page had seen", async () => {
    const docId = `crdt-device-${Date.now()}`
    const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
    const first = open(docId, links.owner, ada, true)
    const other = open(docId, links.edit, bob)
    await Promise.all([online(first), online(other)])
    // Typing online writes no base to the stored copy: it goes out at once.
    const meta = [vi.spyOn(IndexeddbPersistence.prototype, "set"), vi.spyOn(IndexeddbPersistence.prototype, "del")]
    type(first, "Hello")
    await acknowledged(first)
    expect(meta.flatMap(spy => spy.mock.calls.filter(([key]) => key == "unsent-base"))).toEqual([])
    for (const spy of meta) spy.mockRestore()
    await until(() => other.version == first.version, wake => other.subscribe(wake), 20_000, "Bob caught up")
    const seen = first.version!
    first.goOffline()
    type(first, " offline")
    await until(() => first.keptOnDevice, wake => first.subscribe(wake), 20_000, "stored")
    // The page goes with its edit unsent, while Bob goes on.
    first.close()
    type(other, "!")
    await acknowledged(other)
    type(other, "?")
    await acknowledged(other)
    const behind = other.version!

    const reopened = open(docId, links.owner, ada, true)
    await acknowledged(reopened)
    await until(() => reopened.version == behind + 1, wake => reopened.subscribe(wake), 20_000, "the stored edit committed")
    const ops = await newest(reopened, 10)
    expect(ops.map(op => [op.author.name, op.version, op.baseVersion])).toEqual([
      ["Ada", seen, seen - 1], ["Bob", seen + 1, seen], ["Bob", seen + 2, seen + 1], ["Ada", behind + 1, seen]
    ])
    await until(() => other.doc.textContent == reopened.doc.textContent, wake => other.subscribe(wake), 20_000, "converged")
    expect(other.doc.textContent).toMatch(/^Hello/)
    expect(other.doc.textContent).toContain(" offline")

    // Once the hub has it, the stored copy holds no base of unsent edits, but the version the device had
    // seen: an edit a page opened offline makes before it hears from the hub is based on that version,
    // and its op says it merged past what Bob typed meanwhile.
    reopened.close()
    type(other, "#")
    await acknowledged(other)
    // The page knows its link's role from before, as the app's pages do: it is editable at once.
    const third = suite.closeAtEnd(new CrdtConnection({ docId, token: links.owner, user: ada, url: suite.server.url, keepOnDevice: true, knownRole: "owner" }))
    third.goOffline()
    await until(() => third.keptOnDevice && third.doc.textContent.includes(" offline"), wake => third.subscribe(wake), 20_000, "the stored copy")
    type(third, " later")
    third.goOnline()
    await acknowledged(third)
    expect((await newest(third, 1))[0]).toMatchObject({ author: ada, version: behind + 3, baseVersion: behind + 1 })
  })

  it("sends edits whose stored base the hub has not reached without one, rather than failing", async () => {
    const docId = `crdt-device-future-${Date.now()}`
    const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
    await leaveOfflineEdit(docId, links.owner)
    // The stored copy says its edits were based on a version the hub never had.
    const stored = new IndexeddbPersistence(crdtStoreName(docId), new Y.Doc())
    await stored.whenSynced
    await stored.set("unsent-base", 1_000)
    await stored.destroy()

    const reopened = open(docId, links.owner, ada, true)
    await until(() => reopened.version == 2, wake => reopened.subscribe(wake), 20_000, "the stored edit committed")
    await acknowledged(reopened)
    expect(reopened.doc.textContent).toBe("Hello offline")
    const [op] = (await newest(reopened, 1)).slice(-1)
    expect(op).toMatchObject({ author: ada, version: 2, baseVersion: 1 })
  })

  it("sends what the stored copy brings back when the hub answered the join before the copy was read", async () => {
    const docId = `crdt-device-late-${Date.now()}`
    const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
    await leaveOfflineEdit(docId, links.owner)

    // The stored copy opens only once the reopened page is online: its join had nothing to send.
    const realOpen = indexedDB.open.bind(indexedDB)
    let release!: () => void
    const read = new Promise<void>(resolve => (release = resolve))
    indexedDB.open = ((name: string, version?: number) => {
      const request = realOpen(name, version)
      if (name != crdtStoreName(docId)) return request
      return {
        set onupgradeneeded(handler: IDBOpenDBRequest["onupgradeneeded"]) { request.onupgradeneeded = handler },
        set onerror(handler: IDBOpenDBRequest["onerror"]) { request.onerror = handler },
        set onsuccess(handler: (event: Event) => void) { request.onsuccess = event => void read.then(() => handler(event)) }
      } as unknown as IDBOpenDBRequest
    }) as typeof indexedDB.open
    try {
      const reopened = open(docId, links.owner, ada, true)
      await online(reopened)
      expect(reopened.doc.textContent).toBe("Hello")
      release()
      await until(() => reopened.version == 2, wake => reopened.subscribe(wake), 20_000, "the stored edit committed")
      await acknowledged(reopened)
      expect((await newest(reopened, 1))[0]).toMatchObject({ author: ada, version: 2, baseVersion: 1 })
    } finally {
      indexedDB.open = realOpen
      release()
    }
  })
})
